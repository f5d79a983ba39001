#include "manifest/job.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "manifest/yaml_reader.hpp"
#include "pki/name.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/ossl.hpp"

namespace manifest {

namespace {

const std::vector<std::string> kTopKeys = {"version", "kind", "job", "sku", "hw_revision", "batch",
                                           "device_id", "key", "certificates", "firmware", "steps", "retry"};
const std::vector<std::string> kDeviceIdKeys = {"template"};
const std::vector<std::string> kKeyKeys = {"slot", "type"};
const std::vector<std::string> kCertificateKeys = {"issuer_cert", "issuer_key", "issuer_passphrase", "issuer_pin",
                                                   "issuer_module", "chain", "trust", "validity_days",
                                                   "subject_prefix"};
const std::vector<std::string> kFirmwareKeys = {"build_id", "sha256"};
const std::vector<std::string> kStepKeys = {"lock_debug", "self_test", "self_test_timeout"};
const std::vector<std::string> kRetryKeys = {"tries", "backoff", "timeout"};

constexpr int kMaxSlot = 3;
constexpr int kMaxTries = 100;

std::string quoted(const std::string& s) { return YamlReader::quoted(s); }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A file named by the manifest: resolved, and checked when asked.
std::optional<std::string> input_file(YamlReader& r, const Field& f, bool check_files) {
    auto v = r.text(f);
    if (!v) return std::nullopt;
    std::string p = r.path(*v);
    if (check_files) r.existing_file(f, p);
    return p;
}

void read_device_id(YamlReader& r, const Field& f, Job& job) {
    Fields d = r.mapping(f, kDeviceIdKeys);
    const Field* t = r.get(d, "template", f, f.node.IsMap());
    if (t == nullptr) return;
    auto text = r.text(*t);
    if (!text) return;
    try {
        job.id_template = device::IdTemplate::parse(*text);
    } catch (const util::Error& err) {
        r.problem(t->line, quoted(t->path) + ": " + err.what());
    }
}

void read_key(YamlReader& r, const Field& f, Job& job) {
    Fields k = r.mapping(f, kKeyKeys);
    bool map = f.node.IsMap();
    if (const Field* s = r.get(k, "slot", f, map))
        if (auto v = r.integer(*s, 0, kMaxSlot)) job.key.slot = *v;
    if (const Field* t = r.get(k, "type", f, map)) {
        auto v = r.text(*t);
        if (v == "ec-p256") job.key.type = pki::KeyType::ec_p256;
        else if (v == "ec-p384") job.key.type = pki::KeyType::ec_p384;
        else if (v) r.problem(t->line, quoted(t->path) + " must be ec-p256 or ec-p384 (device keys are ECDSA), not '" + *v + "'");
    }
}

// "file" or a list of files, each resolved (and checked).
std::vector<std::string> read_chain(YamlReader& r, const Field& f, bool check_files) {
    std::vector<std::string> out;
    if (!f.node.IsSequence()) {
        if (auto p = input_file(r, f, check_files)) out.push_back(*p);
        return out;
    }
    if (f.node.size() == 0) r.problem(f.line, quoted(f.path) + " is an empty list; leave it out when there is no chain");
    for (size_t i = 0; i < f.node.size(); ++i) {
        const YAML::Node item = f.node[i];
        Field entry{item, item.Mark().line >= 0 ? item.Mark().line + 1 : f.line, f.path + "[" + std::to_string(i) + "]"};
        if (auto p = input_file(r, entry, check_files)) out.push_back(*p);
    }
    return out;
}

void read_subject_prefix(YamlReader& r, const Field& f, Job& job) {
    auto v = r.text(f);
    if (!v) return;
    try {
        util::X509NamePtr name = pki::parse_name(*v, quoted(f.path));
        if (X509_NAME_get_index_by_NID(name.get(), NID_commonName, -1) >= 0) {
            r.problem(f.line, quoted(f.path) + " must not hold CN: the common name is the device ID");
            return;
        }
        job.certificates.subject_prefix = *v;
    } catch (const util::Error& err) {
        r.problem(f.line, err.what());
    }
}

void read_certificates(YamlReader& r, const Field& f, Job& job, bool check_files) {
    Fields c = r.mapping(f, kCertificateKeys);
    bool map = f.node.IsMap();
    JobCertificates& out = job.certificates;
    if (const Field* cert = r.get(c, "issuer_cert", f, map))
        if (auto p = input_file(r, *cert, check_files)) out.issuer_cert = *p;
    std::optional<std::string> ref;
    if (const Field* key = r.get(c, "issuer_key", f, map)) {
        ref = r.key_reference(*key);
        if (ref && check_files && pki::is_file_ref(*ref)) r.existing_file(*key, ref->substr(5));
    }
    if (ref) out.issuer_key = *ref;
    bool token = ref && starts_with(*ref, "pkcs11:");
    bool file = ref && pki::is_file_ref(*ref);
    if (const Field* p = r.get(c, "issuer_passphrase", f, false)) {
        if (token) r.problem(p->line, quoted(p->path) + " applies to file: keys; a pkcs11: key takes 'issuer_pin'");
        out.issuer_access.passphrase = r.secret_source(*p, false);
    }
    if (const Field* p = r.get(c, "issuer_pin", f, false)) {
        if (file) r.problem(p->line, quoted(p->path) + " applies to pkcs11: keys; a file: key takes 'issuer_passphrase'");
        out.issuer_access.pin = r.secret_source(*p, false);
    }
    if (const Field* m = r.get(c, "issuer_module", f, false)) {
        if (file) r.problem(m->line, quoted(m->path) + " applies to pkcs11: keys only");
        if (auto v = r.text(*m)) out.issuer_access.pkcs11_module = r.path(*v);
    }
    if (const Field* ch = r.get(c, "chain", f, false)) out.chain = read_chain(r, *ch, check_files);
    if (const Field* t = r.get(c, "trust", f, false)) {
        if (auto p = input_file(r, *t, check_files)) out.trust = *p;
    } else if (!out.chain.empty()) {
        out.trust = out.chain.back();
    } else if (map && c.count("chain") == 0) {
        r.problem(f.line, "missing 'certificates.trust': with no 'certificates.chain' there is nothing to take the "
                          "trust anchor from");
    }
    if (const Field* d = r.get(c, "validity_days", f, false))
        if (auto v = r.integer(*d, 1)) out.validity_days = *v;
    if (const Field* s = r.get(c, "subject_prefix", f, false)) read_subject_prefix(r, *s, job);
}

void read_firmware(YamlReader& r, const Field& f, Job& job) {
    Fields fw = r.mapping(f, kFirmwareKeys);
    if (auto v = r.text(fw, "build_id", f, f.node.IsMap())) job.firmware.build_id = *v;
    if (const Field* h = r.get(fw, "sha256", f, false)) {
        auto v = r.text(*h);
        if (!v) return;
        bool hex = v->size() == 64 && std::all_of(v->begin(), v->end(), [](char ch) {
                       return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
                   });
        if (!hex) {
            r.problem(h->line, quoted(h->path) + " must be 64 hex digits (a SHA-256), not '" + *v + "'");
            return;
        }
        std::string lower = *v;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); });
        job.firmware.sha256 = lower;
    }
}

void read_steps(YamlReader& r, const Field& f, Job& job) {
    Fields s = r.mapping(f, kStepKeys);
    if (const Field* x = r.get(s, "lock_debug", f, false))
        if (auto v = r.boolean(*x)) job.steps.lock_debug = *v;
    if (const Field* x = r.get(s, "self_test", f, false))
        if (auto v = r.boolean(*x)) job.steps.self_test = *v;
    if (const Field* x = r.get(s, "self_test_timeout", f, false))
        if (auto v = r.duration(*x)) job.steps.self_test_timeout = *v;
}

void read_retry(YamlReader& r, const Field& f, Job& job) {
    Fields s = r.mapping(f, kRetryKeys);
    if (const Field* x = r.get(s, "tries", f, false))
        if (auto v = r.integer(*x, 1, kMaxTries)) job.retry.tries = *v;
    if (const Field* x = r.get(s, "backoff", f, false))
        if (auto v = r.duration(*x)) job.retry.backoff = *v;
    if (const Field* x = r.get(s, "timeout", f, false))
        if (auto v = r.duration(*x)) job.retry.timeout = *v;
}

}  // namespace

JobParseResult parse_job_text(const std::string& text, const std::string& origin, const std::string& base_dir,
                              bool check_files) {
    JobParseResult result;
    YamlReader r(result.problems, base_dir);
    auto loaded = r.load(text);
    if (!loaded) return result;
    const YAML::Node& doc = *loaded;
    Job job;
    job.file = origin;
    job.sha256 = util::sha256_hex(text);
    Field top{doc, 1, ""};
    Fields f = r.mapping(top, kTopKeys);
    if (!doc.IsMap()) return result;

    r.check_version(f, top);
    if (auto k = r.text(f, "kind", top, true); k && *k != kJobKind)
        r.problem(f.at("kind").line, "'kind' must be " + std::string(kJobKind) + ", not '" + *k + "'");
    if (const Field* n = r.get(f, "job", top, true))
        if (auto v = r.name(*n)) job.name = *v;
    if (auto v = r.text(f, "sku", top, true)) job.sku = *v;
    if (auto v = r.text(f, "hw_revision", top, true)) job.hw_revision = *v;
    if (const Field* b = r.get(f, "batch", top, false)) {
        if (auto v = r.name(*b)) job.batch = *v;
    } else {
        job.batch = job.name;
    }
    if (const Field* d = r.get(f, "device_id", top, false)) read_device_id(r, *d, job);
    if (const Field* k = r.get(f, "key", top, true)) read_key(r, *k, job);
    if (const Field* c = r.get(f, "certificates", top, true)) read_certificates(r, *c, job, check_files);
    if (const Field* fw = r.get(f, "firmware", top, true)) read_firmware(r, *fw, job);
    if (const Field* s = r.get(f, "steps", top, false)) read_steps(r, *s, job);
    if (const Field* s = r.get(f, "retry", top, false)) read_retry(r, *s, job);

    // Fields are read in schema order; the author reads the file top to bottom.
    std::stable_sort(result.problems.begin(), result.problems.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    if (result.problems.empty()) result.job = std::move(job);
    return result;
}

JobParseResult parse_job(const std::string& path) {
    std::string text;
    try {
        text = util::read_file(path);
    } catch (const util::Error& err) {
        // read_file names the path first; format_problems adds it again.
        std::string message = err.what();
        if (starts_with(message, (path + ": ").c_str())) message = message.substr(path.size() + 2);
        JobParseResult result;
        result.problems.push_back({0, message});
        return result;
    }
    std::string base = std::filesystem::path(path).parent_path().string();
    return parse_job_text(text, path, base.empty() ? "." : base, true);
}

Job load_job(const std::string& path) {
    JobParseResult parsed = parse_job(path);
    if (!parsed.job) {
        auto n = parsed.problems.size();
        // One error, one problem per line, so every mistake shows in one run.
        util::fail_input(path + ": " + std::to_string(n) + (n == 1 ? " problem" : " problems") +
                         " in the provisioning job file\n" + format_problems(path, parsed.problems));
    }
    return std::move(*parsed.job);
}

}  // namespace manifest
