#include "manifest/yaml_reader.hpp"

#include <algorithm>
#include <filesystem>

#include "util/duration.hpp"

namespace manifest {

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string join(const std::vector<std::string>& keys) {
    std::string s;
    for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
    return s;
}

std::string suggestion(const std::string& key, const std::vector<std::string>& known) {
    for (const auto& k : known)
        if (edit_distance(key, k) <= 2) return " (did you mean '" + k + "'?)";
    return " (expected one of " + join(known) + ")";
}

}  // namespace

Fields YamlReader::mapping(const Field& f, const std::vector<std::string>& known) {
    Fields out;
    if (!f.node.IsMap()) {
        problem(f.line, (f.path.empty() ? std::string("the file") : quoted(f.path)) + " must be a mapping of (" +
                            join(known) + ")");
        return out;
    }
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        int line = it->first.Mark().line + 1;
        std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
        std::string where = f.path.empty() ? "" : " under '" + f.path + "'";
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            problem(line, "unknown key '" + key + "'" + where + suggestion(key, known));
        } else if (out.count(key) != 0) {
            problem(line, "key '" + key + "'" + where + " appears twice (first on line " + std::to_string(out[key].line) + ")");
        } else {
            out[key] = {it->second, line, f.path.empty() ? key : f.path + "." + key};
        }
    }
    return out;
}

const Field* YamlReader::get(const Fields& fields, const std::string& key, const Field& parent, bool required) {
    auto it = fields.find(key);
    if (it == fields.end()) {
        if (required)
            problem(parent.line, "missing required field '" + (parent.path.empty() ? key : parent.path + "." + key) + "'");
        return nullptr;
    }
    return &it->second;
}

std::optional<std::string> YamlReader::text(const Field& f) {
    if (f.node.IsNull() || (f.node.IsScalar() && f.node.Scalar().empty())) {
        problem(f.line, quoted(f.path) + " has no value");
        return std::nullopt;
    }
    if (!f.node.IsScalar()) {
        problem(f.line, quoted(f.path) + " must be text, not a " + (f.node.IsMap() ? "mapping" : "list"));
        return std::nullopt;
    }
    return f.node.Scalar();
}

std::optional<std::string> YamlReader::text(const Fields& fields, const std::string& key, const Field& parent,
                                            bool required) {
    const Field* f = get(fields, key, parent, required);
    return f != nullptr ? text(*f) : std::nullopt;
}

std::optional<int> YamlReader::integer(const Field& f, int min) {
    auto t = text(f);
    if (!t) return std::nullopt;
    int value = 0;
    if (!YAML::convert<int>::decode(f.node, value) || value < min) {
        problem(f.line, quoted(f.path) + " must be a whole number of at least " + std::to_string(min) + ", not '" + *t + "'");
        return std::nullopt;
    }
    return value;
}

std::optional<int> YamlReader::integer(const Field& f, int min, int max) {
    auto t = text(f);
    if (!t) return std::nullopt;
    int value = 0;
    if (!YAML::convert<int>::decode(f.node, value) || value < min || value > max) {
        problem(f.line, quoted(f.path) + " must be a whole number from " + std::to_string(min) + " to " +
                            std::to_string(max) + ", not '" + *t + "'");
        return std::nullopt;
    }
    return value;
}

std::optional<bool> YamlReader::boolean(const Field& f) {
    auto t = text(f);
    if (!t) return std::nullopt;
    if (*t == "true") return true;
    if (*t == "false") return false;
    problem(f.line, quoted(f.path) + " must be true or false, not '" + *t + "'");
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const Field& f) {
    auto t = text(f);
    if (!t) return std::nullopt;
    auto ms = util::parse_duration_ms(*t);
    if (!ms) {
        problem(f.line, quoted(f.path) + " is not a duration: '" + *t +
                            "'; use a positive number and a unit, such as 200ms, 5s, 30m (units ms, s, m, h, d, w)");
        return std::nullopt;
    }
    return std::chrono::milliseconds(*ms);
}

std::optional<std::string> YamlReader::name(const Field& f) {
    auto t = text(f);
    if (!t) return std::nullopt;
    bool ok = t->size() <= 64;
    for (char c : *t)
        ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.');
    if (!ok) {
        problem(f.line, quoted(f.path) + " must be 1 to 64 letters, digits, '-', '_' or '.', not '" + *t + "'");
        return std::nullopt;
    }
    return t;
}

std::vector<std::string> YamlReader::text_list(const Field& f) {
    std::vector<std::string> out;
    if (!f.node.IsSequence()) {
        problem(f.line, quoted(f.path) + " must be a list, such as [a, b]");
        return out;
    }
    for (size_t i = 0; i < f.node.size(); ++i) {
        const YAML::Node item = f.node[i];
        int line = item.Mark().line >= 0 ? item.Mark().line + 1 : f.line;
        if (auto v = text(Field{item, line, f.path + "[" + std::to_string(i) + "]"})) out.push_back(*v);
    }
    return out;
}

std::string YamlReader::path(const std::string& p) const {
    if (base_.empty() || p.empty() || p.front() == '/') return p;
    return (std::filesystem::path(base_) / p).lexically_normal().string();
}

void YamlReader::existing_file(const Field& f, const std::string& p) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) problem(f.line, quoted(f.path) + ": file not found: " + p);
}

namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

std::string YamlReader::secret_source(const Field& f, bool allow_prompt) {
    auto v = text(f);
    if (!v) return "";
    if (allow_prompt && *v == "prompt") return "";
    if (starts_with(*v, "env:") && v->size() > 4) return *v;
    if (starts_with(*v, "file:") && v->size() > 5) return "file:" + path(v->substr(5));
    problem(f.line, quoted(f.path) + " looks like a literal secret; the file names only where it comes from: " +
                        (allow_prompt ? "env:NAME, file:PATH or prompt" : "env:NAME or file:PATH"));
    return "";
}

std::optional<std::string> YamlReader::key_reference(const Field& f) {
    auto v = text(f);
    if (!v) return std::nullopt;
    if (starts_with(*v, "file:") && v->size() > 5) return "file:" + path(v->substr(5));
    if (starts_with(*v, "pkcs11:")) {
        if (v->find("pin-value=") != std::string::npos) {
            problem(f.line, quoted(f.path) + " carries a PIN (pin-value=); name its source with pin-source= or a pin field");
            return std::nullopt;
        }
        return *v;
    }
    problem(f.line, quoted(f.path) + " must be file:PATH or a pkcs11: URI, not '" + *v + "'");
    return std::nullopt;
}

std::optional<YAML::Node> YamlReader::load(const std::string& text) {
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        problem(e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML syntax error: " + e.msg);
        return std::nullopt;
    }
}

void YamlReader::check_version(const Fields& top_fields, const Field& top) {
    if (const Field* v = get(top_fields, "version", top, true)) {
        auto n = integer(*v, 1);
        if (n && *n != 1) problem(v->line, "'version' " + std::to_string(*n) + " is not supported (this provctl reads version 1)");
    }
}

}  // namespace manifest
