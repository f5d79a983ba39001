#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "manifest/validate.hpp"

namespace cmd {

struct ManifestValidateOptions {
    std::vector<std::string> files;
};

// {"schema": "provctl.manifest.validate/v1", "files": [...]}, documented in docs/json.md.
nlohmann::json manifest_validate_document(const std::vector<manifest::ManifestCheck>& checks);

// Checks every file, prints each problem on stderr as "file:line: message"
// and the result (text or JSON) on stdout; returns the checks so the caller
// decides the exit code.
std::vector<manifest::ManifestCheck> run_manifest_validate(const ManifestValidateOptions& options, Context& ctx);

}  // namespace cmd
