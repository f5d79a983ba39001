#pragma once
// Where an expiry scan looks: files and folders, the device registry, and
// live TLS endpoints. Each source adds to one Collector and reports what it
// could not read as a Problem; none of them stops the scan for bad input.
#include <cstdint>
#include <string>
#include <vector>

#include "scan/findings.hpp"

namespace registry {
class Registry;
}

namespace scan {

struct FileScanOptions {
    bool follow_symlinks = false;  // off: symbolic links are not followed (and not counted)
    unsigned jobs = 0;             // worker threads; 0: one per core
};

// Files are read whatever their name; folders recursively. A folder reached
// twice through links is read once.
void scan_paths(const std::vector<std::string>& paths, const FileScanOptions& options, Collector& out);

// Every active certificate, with its device ID and batch.
void scan_registry(registry::Registry& reg, Collector& out);

// HOST:PORT or [IPv6]:PORT. The chain the server presents is taken as it is
// (no trust decision); SNI carries the host name. `timeout_ms` bounds the
// connection and the handshake together.
void scan_tls(const std::vector<std::string>& endpoints, int64_t timeout_ms, Collector& out);

}  // namespace scan
