#pragma once
// Strict reading of a YAML document field by field: every problem is noted
// with its line and reading goes on, so one run shows all of a file's mistakes.
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

    // The entries of a mapping; unknown and repeated keys are problems.
    Fields mapping(const Field& f, const std::vector<std::string>& known);
    // A field of a mapping, or null (a problem when `required`).
    const Field* get(const Fields& fields, const std::string& key, const Field& parent, bool required);
    // A non-empty scalar.
    std::optional<std::string> text(const Field& f);
    std::optional<std::string> text(const Fields& fields, const std::string& key, const Field& parent, bool required);
    std::optional<int> integer(const Field& f, int min);
    // A list of non-empty scalars.
    std::vector<std::string> text_list(const Field& f);
    // A file path; relative ones resolve against the document's folder.
    std::string path(const std::string& p) const;

    static std::string quoted(const std::string& s) { return "'" + s + "'"; }

private:
    std::vector<Problem>& problems_;
    std::string base_;
};

}  // namespace manifest
