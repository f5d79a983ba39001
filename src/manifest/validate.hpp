#pragma once
// Which manifest a YAML file is, and every problem its parser finds in it:
// the engine of `provctl manifest validate`.
#include <optional>
#include <string>
#include <vector>

#include "manifest/problem.hpp"

namespace manifest {

enum class ManifestKind { provisioning_job, ceremony };
// "provisioning-job" or "ceremony", as in JSON output.
const char* manifest_kind_name(ManifestKind kind);

struct ManifestCheck {
    std::string file;                  // as named by the user
    std::optional<ManifestKind> kind;  // unset when the file cannot be told (unreadable, bad YAML, no kind)
    std::vector<Problem> problems;     // every problem, by line
    std::string summary;               // valid files: "provisioning job NAME (sku ..., ...)"
    bool valid() const { return kind.has_value() && problems.empty(); }
};

// A file with `kind: provisioning-job` is read as a job (docs/provisioning-job.md),
// one without `kind` but with `type:` as a ceremony (docs/ceremony.md). Never throws
// for what is wrong with the file: an unreadable one is a problem on line 0.
ManifestCheck validate_manifest(const std::string& path);

}  // namespace manifest
