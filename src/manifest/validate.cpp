#include "manifest/validate.hpp"

#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "manifest/ceremony.hpp"
#include "manifest/job.hpp"
#include "pki/key.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace manifest {

const char* manifest_kind_name(ManifestKind kind) {
    return kind == ManifestKind::provisioning_job ? kJobKind : "ceremony";
}

namespace {

std::string job_summary(const Job& j) {
    std::string s = "provisioning job " + j.name + " (sku " + j.sku + ", hw " + j.hw_revision + ", batch " + j.batch +
                    ", key slot " + std::to_string(j.key.slot) + " " + pki::key_type_name(j.key.type) +
                    ", firmware " + j.firmware.build_id;
    if (j.id_template) s += ", IDs " + j.id_template->text();
    return s + ")";
}

std::string ceremony_summary(const Ceremony& c) {
    return ceremony_type_name(c.type) + " ceremony " + c.name + " (subject " + c.subject + ", key " +
           pki::key_type_name(c.key.type) + ")";
}

// The kind a parsed document declares, or a problem saying why it cannot be told.
std::optional<ManifestKind> detect(const YAML::Node& doc, std::vector<Problem>& problems) {
    if (!doc.IsMap()) {
        problems.push_back({1, "the file is not a YAML mapping, so it is neither a provisioning job nor a ceremony"});
        return std::nullopt;
    }
    if (const YAML::Node kind = doc["kind"]) {
        if (kind.IsScalar() && kind.Scalar() == kJobKind) return ManifestKind::provisioning_job;
        int line = kind.Mark().line >= 0 ? kind.Mark().line + 1 : 1;
        std::string what = kind.IsScalar() ? "'" + kind.Scalar() + "'" : std::string("not text");
        problems.push_back({line, "'kind' " + what + " is unknown: this provctl reads kind " + kJobKind +
                                      " (a ceremony file has no kind, only 'type: root' or 'type: intermediate')"});
        return std::nullopt;
    }
    if (doc["type"]) return ManifestKind::ceremony;
    problems.push_back({1, std::string("cannot tell what this file is: a provisioning job has 'kind: ") + kJobKind +
                               "', a ceremony 'type: root' or 'type: intermediate'"});
    return std::nullopt;
}

}  // namespace

ManifestCheck validate_manifest(const std::string& path) {
    ManifestCheck check;
    check.file = path;
    std::string text;
    try {
        text = util::read_file(path);
    } catch (const util::Error& err) {
        std::string message = err.what();
        if (message.rfind(path + ": ", 0) == 0) message = message.substr(path.size() + 2);
        check.problems.push_back({0, message});
        return check;
    }
    YAML::Node doc;
    try {
        doc = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        check.problems.push_back({e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML syntax error: " + e.msg});
        return check;
    }
    check.kind = detect(doc, check.problems);
    if (!check.kind) return check;
    std::string base = std::filesystem::path(path).parent_path().string();
    if (base.empty()) base = ".";
    if (*check.kind == ManifestKind::provisioning_job) {
        JobParseResult r = parse_job_text(text, path, base, true);
        check.problems = std::move(r.problems);
        if (r.job) check.summary = job_summary(*r.job);
    } else {
        ParseResult r = parse_ceremony(text, path, base);
        check.problems = std::move(r.problems);
        if (r.ceremony) check.summary = ceremony_summary(*r.ceremony);
    }
    return check;
}

}  // namespace manifest
