#pragma once
// Strict reading of a YAML document field by field: every problem is noted
// with its line and reading goes on, so one run shows all of a file's mistakes.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "manifest/problem.hpp"

namespace manifest {

// One field as found in the file: its value, the line of its key (a value
// node may carry no position, e.g. when empty) and its dotted name.
struct Field {
    YAML::Node node;
    int line = 1;
    std::string path;   // "key.location"; "" for the document itself
};
using Fields = std::map<std::string, Field>;

class YamlReader {
public:
    // Problems are appended to `problems`; relative paths resolve against
    // `base_dir` ("" keeps them as written).
    YamlReader(std::vector<Problem>& problems, std::string base_dir)
        : problems_(problems), base_(std::move(base_dir)) {}

    void problem(int line, std::string message) { problems_.push_back({line, std::move(message)}); }

    // The document in `text`; nullopt (and a problem with its line) on a syntax error.
    std::optional<YAML::Node> load(const std::string& text);
    // The required top-level `version`, which must be 1.
    void check_version(const Fields& top_fields, const Field& top);

    // The entries of a mapping; unknown and repeated keys are problems.
    Fields mapping(const Field& f, const std::vector<std::string>& known);
    // A field of a mapping, or null (a problem when `required`).
    const Field* get(const Fields& fields, const std::string& key, const Field& parent, bool required);
    // A non-empty scalar.
    std::optional<std::string> text(const Field& f);
    std::optional<std::string> text(const Fields& fields, const std::string& key, const Field& parent, bool required);
    std::optional<int> integer(const Field& f, int min);
    std::optional<int> integer(const Field& f, int min, int max);
    // true or false, nothing else (no yes/no/on/off).
    std::optional<bool> boolean(const Field& f);
    // A length of time such as 200ms, 5s, 30m (util::parse_duration_ms).
    std::optional<std::chrono::milliseconds> duration(const Field& f);
    // 1 to 64 letters, digits, '-', '_' or '.': safe in file names and logs.
    std::optional<std::string> name(const Field& f);
    // A list of non-empty scalars.
    std::vector<std::string> text_list(const Field& f);
    // A file path; relative ones resolve against the document's folder.
    std::string path(const std::string& p) const;
    // A problem when the (resolved) path `p` of field `f` is not a file.
    void existing_file(const Field& f, const std::string& p);

    // Where a secret comes from: env:NAME, file:PATH (resolved), or "" for a
    // prompt when `allow_prompt` (written "prompt"). Anything else is taken
    // for the secret itself and refused without echoing it: manifests are
    // shared and reviewed.
    std::string secret_source(const Field& f, bool allow_prompt);
    // A key: file:PATH (resolved) or a pkcs11: URI that carries no PIN.
    std::optional<std::string> key_reference(const Field& f);

    static std::string quoted(const std::string& s) { return "'" + s + "'"; }

private:
    std::vector<Problem>& problems_;
    std::string base_;
};

}  // namespace manifest
