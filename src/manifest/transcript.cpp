#include "manifest/transcript.hpp"

#include <algorithm>
#include <filesystem>

#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "util/atomic_file.hpp"

namespace manifest {

namespace {

using nlohmann::json;

// Compact, keys sorted (nlohmann's default object is a std::map): one
// canonical text per entry, so entry_sha256 can be recomputed from a parse.
// Invalid UTF-8 (from a name in the YAML file) is replaced, never thrown on.
std::string canonical(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_hex64(const json& j) {
    if (!j.is_string()) return false;
    const auto& s = j.get_ref<const std::string&>();
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class ChainChecker {
public:
    explicit ChainChecker(TranscriptReport& report) : r_(report) {}

    void line(const std::string& text, int n, const std::string& prev) {
        auto problem = [&](const std::string& m) { r_.problems.push_back({n, "", m}); };
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            problem(text.empty() ? "empty line" : "not a JSON object: the line was changed or cut");
            return;
        }
        r_.lines.push_back({n, j});
        // Parsing forgives spacing and key order; the chain's hashes cover exact bytes.
        if (canonical(j) != text) problem("the line is not in the form provctl writes: it was edited");
        if (!has(j, "schema", &json::is_string) || j["schema"] != kTranscriptSchema) {
            problem(std::string("not a ceremony transcript entry (schema is not ") + kTranscriptSchema + ")");
            return;
        }
        bool complete = true;
        for (auto [key, test] : kFields)
            if (!has(j, key, test)) {
                problem(std::string("field '") + key + "' is missing or has the wrong type");
                complete = false;
            }
        if (!complete) return;
        if (j["seq"].get<int64_t>() != n)
            problem("seq is " + j["seq"].dump() + " where " + std::to_string(n) +
                    " was expected: an entry was removed, added or moved");
        if (j["prev"] != prev)
            problem(n == 1 ? "prev of the first entry is not all zeros: entries before it were removed"
                           : "prev does not match the SHA-256 of line " + std::to_string(n - 1) +
                                 ": that line was changed, or lines were removed or reordered");
        json body = j;
        body.erase("entry_sha256");
        if (util::sha256_hex(canonical(body)) != j["entry_sha256"].get<std::string>())
            problem("entry_sha256 does not match the entry: the line was changed");
        if (!util::parse_time(j["time"].get<std::string>())) problem("time is not an RFC 3339 time");
        if (!named_) {
            r_.ceremony = j["ceremony"].get<std::string>();
            operator_ = j["operator"].get<std::string>();
            named_ = true;
        } else if (j["ceremony"] != r_.ceremony || j["operator"] != operator_) {
            problem("ceremony or operator differs from the first entry: lines from another transcript were mixed in");
        }
    }

    // Begun by "begin", ended by "complete" or "aborted", with neither in between.
    void order() {
        int n = 0;
        for (const auto& [line, j] : r_.lines) {
            ++n;
            std::string step = j.contains("step") && j["step"].is_string() ? j["step"].get<std::string>() : "?";
            bool last = n == static_cast<int>(r_.lines.size());
            if (n == 1 && step != "begin") r_.problems.push_back({line, "", "the first entry is '" + step + "', not 'begin'"});
            if (n > 1 && step == "begin") r_.problems.push_back({line, "", "a second 'begin' entry"});
            if (!last && (step == "complete" || step == "aborted"))
                r_.problems.push_back({line, "", "entries follow the final '" + step + "' entry"});
            if (last) {
                r_.status = step == "complete" || step == "aborted" ? step : "incomplete";
                if (r_.status == "incomplete")
                    r_.problems.push_back({line, "", "the transcript ends at step '" + step +
                                                         "' without a 'complete' or 'aborted' entry: the ceremony "
                                                         "was interrupted or its last lines removed"});
            }
        }
    }

private:
    using Test = bool (json::*)() const noexcept;
    static constexpr std::pair<const char*, Test> kFields[] = {
        {"seq", &json::is_number_integer}, {"step", &json::is_string},   {"time", &json::is_string},
        {"ceremony", &json::is_string},    {"operator", &json::is_string}, {"witnesses", &json::is_array},
        {"inputs", &json::is_object},      {"outputs", &json::is_object},  {"details", &json::is_object},
        {"prev", &json::is_string},        {"entry_sha256", &json::is_string},
    };
    static bool has(const json& j, const char* key, Test test) {
        auto it = j.find(key);
        if (it == j.end() || !((*it).*test)()) return false;
        if (std::string(key) == "prev" || std::string(key) == "entry_sha256") return is_hex64(*it);
        return true;
    }

    TranscriptReport& r_;
    std::string operator_;
    bool named_ = false;  // ceremony and operator taken from the first whole entry
};

std::string resolve(const std::string& base, const std::string& name) {
    if (name.empty() || name.front() == '/') return name;
    return (std::filesystem::path(base) / name).lexically_normal().string();
}

// Why a recorded output no longer matches, or "" when it does.
std::string output_mismatch(const std::string& file, const json& rec, std::vector<std::string>& skipped,
                            const std::string& name) {
    try {
        std::string kind = rec.is_object() ? rec.value("kind", "") : "";
        if (kind == "key" && !rec.value("file_sha256", json()).is_string()) {
            skipped.push_back(name);
            return {};
        }
        if (kind != "certificate" && kind != "chain" && kind != "key") return "the transcript records an unknown kind of output";
        // The record first, so a malformed one is named as such whatever is on disk.
        std::string then = kind == "chain" ? "" : rec.value(kind == "key" ? "file_sha256" : "sha256", "");
        json then_chain = kind == "chain" ? rec.value("certificates", json::array()) : json();
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec)) return "missing: the transcript records it as made by the ceremony";
        if (kind == "key") {
            std::string now = util::sha256_hex(util::read_file(file));
            return now == then ? "" : "the key file's SHA-256 is " + now + ", the transcript recorded " + then;
        }
        auto certs = pki::read_certificates(file);
        if (kind == "certificate") {
            std::string now = util::cert_sha256_hex(certs.front().get());
            return now == then ? "" : "the certificate's SHA-256 is " + now + ", the transcript recorded " + then;
        }
        if (chain_record(certs)["certificates"] != then_chain)
            return "the chain's certificates differ from those the transcript recorded";
        return {};
    } catch (const util::Error& e) {
        return std::string("cannot be read as recorded: ") + e.what();
    } catch (const json::exception&) {
        // A field of the wrong type: only an edited transcript has one.
        return "the transcript's record of this output is malformed";
    }
}

}  // namespace

std::string public_key_sha256(const EVP_PKEY* key) {
    auto der = pki::public_key_der(key);
    return util::sha256_hex(der.data(), der.size());
}

json certificate_record(const X509* cert) {
    return {{"kind", "certificate"},
            {"sha256", util::cert_sha256_hex(cert)},
            {"public_key_sha256", public_key_sha256(X509_get0_pubkey(cert))}};
}

json chain_record(const std::vector<util::X509Ptr>& chain) {
    json fps = json::array();
    for (const auto& c : chain) fps.push_back(util::cert_sha256_hex(c.get()));
    return {{"kind", "chain"}, {"certificates", fps}};
}

json key_record(const std::string& ref, const EVP_PKEY* key, const std::optional<std::string>& file_sha256) {
    return {{"kind", "key"},
            {"ref", ref},
            {"public_key_sha256", public_key_sha256(key)},
            {"file_sha256", file_sha256 ? json(*file_sha256) : json(nullptr)}};
}

json file_record(const std::string& kind, const std::string& bytes) {
    return {{"kind", kind}, {"sha256", util::sha256_hex(bytes)}};
}

std::string entry_line(int seq, int64_t time, const Participants& who, const Step& step, const std::string& prev) {
    json entry = {
        {"schema", kTranscriptSchema},  {"seq", seq},
        {"step", step.name},            {"time", util::format_rfc3339(time)},
        {"ceremony", who.ceremony},     {"operator", who.operator_name},
        {"witnesses", who.witnesses},   {"inputs", step.inputs},
        {"outputs", step.outputs},      {"details", step.details},
        {"prev", prev},
    };
    entry["entry_sha256"] = util::sha256_hex(canonical(entry));
    return canonical(entry);
}

TranscriptWriter::TranscriptWriter(std::string path, Participants who, const util::Clock& clock, bool overwrite)
    : path_(std::move(path)), who_(std::move(who)), clock_(clock), overwrite_(overwrite) {
    util::ensure_writable_target(path_, overwrite_);
}

json TranscriptWriter::append(const Step& step) {
    std::string line = entry_line(seq_ + 1, clock_.now(), who_, step, prev_);
    std::string next = content_ + line + "\n";
    // After the first entry the file is ours: later appends replace it.
    util::write_file_atomic(path_, next, 0644, overwrite_ || seq_ > 0);
    content_ = std::move(next);
    prev_ = util::sha256_hex(line);
    ++seq_;
    return json::parse(line);
}

TranscriptReport check_chain(const std::string& text) {
    TranscriptReport report;
    report.status = "incomplete";
    report.head = kGenesisPrev;
    if (text.empty()) {
        report.problems.push_back({0, "", "the transcript is empty"});
        return report;
    }
    ChainChecker checker(report);
    size_t pos = 0;
    int n = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        ++n;
        checker.line(line, n, report.head);
        if (nl == std::string::npos)
            report.problems.push_back({n, "", "the last line has no newline: the transcript was cut short or edited"});
        report.head = util::sha256_hex(line);
    }
    report.entries = n;
    checker.order();
    return report;
}

void check_outputs(TranscriptReport& report, const std::string& base_dir) {
    for (const auto& [line, entry] : report.lines) {
        auto outputs = entry.find("outputs");
        if (outputs == entry.end() || !outputs->is_object()) continue;
        for (const auto& [name, rec] : outputs->items()) {
            std::string why = output_mismatch(resolve(base_dir, name), rec, report.skipped, name);
            if (!why.empty())
                report.problems.push_back({line, name, why});
            else if (std::find(report.skipped.begin(), report.skipped.end(), name) == report.skipped.end())
                report.checked.push_back(name);
        }
    }
}

TranscriptReport verify_transcript(const std::string& path) {
    TranscriptReport report = check_chain(util::read_file(path));
    std::string base = std::filesystem::path(path).parent_path().string();
    check_outputs(report, base.empty() ? "." : base);
    return report;
}

}  // namespace manifest
