#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "pki/inspect.hpp"

namespace cmd {

struct CertInspectOptions {
    std::vector<std::string> files;
    std::string at;  // --at: the moment days_left counts from; empty means now
};

// One certificate or request found in a file, decoded.
struct InspectedItem {
    std::string file;
    size_t index = 0;  // position among the certificates and requests of that file, from 0
    std::variant<pki::CertInfo, pki::CsrInfo> info;
};

// Reads every file before anything is shown, so a bad file among several
// prints nothing: exit 2 naming the first bad file (and how many more).
std::vector<InspectedItem> inspect_files(const std::vector<std::string>& files, int64_t at);

// {"schema": "provctl.cert.inspect/v1", "at": ..., "items": [...]}, documented in docs/json.md.
nlohmann::json inspect_document(const std::vector<InspectedItem>& items, int64_t at);

// One aligned block per item; colour only when ctx.color.
void render_inspect(std::ostream& out, const std::vector<InspectedItem>& items, int64_t at, const Context& ctx);

void run_cert_inspect(const CertInspectOptions& options, Context& ctx);

}  // namespace cmd
