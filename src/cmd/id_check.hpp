#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "device/id_template.hpp"

namespace cmd {

struct IdCheckOptions {
    std::string id_template;
    std::vector<std::string> ids;
};

struct IdCheckResult {
    std::string id;
    device::IdReading reading;
};

// {"schema": "provctl.id.check/v1", ...}, documented in docs/json.md.
nlohmann::json id_check_document(const std::string& id_template, const std::vector<IdCheckResult>& results);

// Reads every ID and prints one line (or one JSON entry) each; returns the
// results so the caller decides the exit code. A bad template throws (exit 2).
std::vector<IdCheckResult> run_id_check(const IdCheckOptions& options, Context& ctx);

}  // namespace cmd
