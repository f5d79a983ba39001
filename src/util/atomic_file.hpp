#pragma once
// A file that appears whole or not at all: written to a temp file in the same
// folder, fsynced, then renamed over the target on commit(). The destructor
// only ever discards, so an exception anywhere leaves nothing behind.
#include <string>
#include <sys/types.h>

namespace util {

class AtomicFile {
public:
    // mode: 0600 for private keys, 0644 for certificates and transcripts.
    // Refuses (exit 2) when `path` exists and `overwrite` is false.
    AtomicFile(std::string path, mode_t mode, bool overwrite);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(const std::string& data);
    void write(const void* data, size_t len);
    void commit();
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::string temp_path_;
    int fd_ = -1;
    bool overwrite_;
};

// Convenience: the whole content at once.
void write_file_atomic(const std::string& path, const std::string& data, mode_t mode, bool overwrite);

// Refuses early (exit 2) when `path` exists and overwrite is off, so a long
// operation does not run only to fail at its last step.
void ensure_writable_target(const std::string& path, bool overwrite);

// Reads a whole file; exit 2 naming the file when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace util
