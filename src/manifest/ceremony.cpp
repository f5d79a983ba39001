#include "manifest/ceremony.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <openssl/objects.h>

#include "manifest/yaml_reader.hpp"
#include "pki/name.hpp"
#include "util/atomic_file.hpp"
#include "util/ossl.hpp"
#include "util/time.hpp"

namespace manifest {

std::string ceremony_type_name(CeremonyType type) { return type == CeremonyType::root ? "root" : "intermediate"; }

namespace {

const std::vector<std::string> kTopKeys = {"version", "type", "name", "operator", "witnesses", "key", "subject",
                                           "validity", "extensions", "issuer", "outputs"};
const std::vector<std::string> kKeyKeys = {"location", "type", "passphrase", "pin", "module"};
const std::vector<std::string> kIssuerKeys = {"cert", "key", "passphrase", "pin", "module"};
const std::vector<std::string> kValidityKeys = {"days", "not_before", "not_after"};
const std::vector<std::string> kExtensionKeys = {"path_len", "ext_key_usage", "name_constraints", "crl_urls",
                                                 "ocsp_urls", "ca_issuers_urls"};
const std::vector<std::string> kConstraintKeys = {"permit_dns", "exclude_dns", "permit_dn", "exclude_dn"};
const std::vector<std::string> kOutputKeys = {"cert", "chain", "transcript"};

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string quoted(const std::string& s) { return YamlReader::quoted(s); }

// passphrase for file keys, pin and module for token keys.
pki::KeyAccess key_access(YamlReader& r, const Fields& fields, const std::optional<std::string>& ref) {
    pki::KeyAccess access;
    bool token = ref && starts_with(*ref, "pkcs11:");
    bool file = ref && starts_with(*ref, "file:");
    if (auto it = fields.find("passphrase"); it != fields.end()) {
        if (token) r.problem(it->second.line, quoted(it->second.path) + " applies to file: keys; a pkcs11: key takes 'pin'");
        access.passphrase = r.secret_source(it->second, true);
    }
    if (auto it = fields.find("pin"); it != fields.end()) {
        if (file) r.problem(it->second.line, quoted(it->second.path) + " applies to pkcs11: keys; a file: key takes 'passphrase'");
        access.pin = r.secret_source(it->second, true);
    }
    if (auto it = fields.find("module"); it != fields.end()) {
        if (file) r.problem(it->second.line, quoted(it->second.path) + " applies to pkcs11: keys only");
        if (auto m = r.text(it->second)) access.pkcs11_module = r.path(*m);
    }
    return access;
}

// The same rule the certificate builder applies, checked here so a typo is
// reported with its line before any key exists.
bool valid_url(const std::string& url) {
    bool scheme_ok = starts_with(url, "http://") || starts_with(url, "https://") || starts_with(url, "ldap://");
    return scheme_ok && url.find_first_of(", \t\n;") == std::string::npos;
}

void read_validity(YamlReader& r, const Field& f, Ceremony& c) {
    Fields v = r.mapping(f, kValidityKeys);
    const Field* days = r.get(v, "days", f, false);
    const Field* nb = r.get(v, "not_before", f, false);
    const Field* na = r.get(v, "not_after", f, false);
    if (days != nullptr && (nb != nullptr || na != nullptr)) {
        r.problem(days->line, "'validity' takes either 'days' or 'not_before'/'not_after', not both");
        return;
    }
    if (days != nullptr) {
        if (auto d = r.integer(*days, 1)) c.validity.days = *d;
        return;
    }
    if (na == nullptr) {
        if (f.node.IsMap()) r.problem(f.line, "'validity' needs 'days' or 'not_after' (with an optional 'not_before')");
        return;
    }
    for (const Field* t : {nb, na}) {
        if (t == nullptr) continue;
        auto text = r.text(*t);
        if (!text) continue;
        auto when = util::parse_time(*text);
        if (!when) {
            r.problem(t->line, "'" + t->path + "' is not a time; use RFC 3339 (2026-11-22T00:00:00Z) or a date (2026-11-22)");
            continue;
        }
        (t == nb ? c.validity.not_before : c.validity.not_after) = *when;
    }
    if (c.validity.not_before && c.validity.not_after && *c.validity.not_before >= *c.validity.not_after)
        r.problem(na->line, "'validity.not_after' is not after 'validity.not_before'");
}

void read_extensions(YamlReader& r, const Field& f, Ceremony& c, std::optional<CeremonyType> type) {
    Fields e = r.mapping(f, kExtensionKeys);
    for (const auto& [key, field] : e) {
        if (type == CeremonyType::root && key != "path_len")
            r.problem(field.line, "'" + field.path + "' does not belong in a root ceremony (only extensions.path_len does)");
    }
    if (const Field* p = r.get(e, "path_len", f, false)) c.path_len = r.integer(*p, 0);
    if (const Field* k = r.get(e, "ext_key_usage", f, false)) {
        c.ext_key_usage = r.text_list(*k);
        for (const auto& name : c.ext_key_usage) {
            ASN1_OBJECT* obj = OBJ_txt2obj(name.c_str(), 0);
            if (obj == nullptr) {
                util::drain_openssl_errors();
                r.problem(k->line, "'" + k->path + "': '" + name + "' is unknown (clientAuth, serverAuth, codeSigning, or a dotted OID)");
            }
            ASN1_OBJECT_free(obj);
        }
    }
    auto urls = [&](const char* key, std::vector<std::string>& into) {
        const Field* u = r.get(e, key, f, false);
        if (u == nullptr) return;
        into = r.text_list(*u);
        for (const auto& url : into)
            if (!valid_url(url))
                r.problem(u->line, "'" + u->path + "': '" + url + "' is not an http(s) or ldap URL without commas or spaces");
    };
    urls("crl_urls", c.crl_urls);
    urls("ocsp_urls", c.ocsp_urls);
    urls("ca_issuers_urls", c.ca_issuers_urls);
    if (const Field* nc = r.get(e, "name_constraints", f, false)) {
        Fields n = r.mapping(*nc, kConstraintKeys);
        if (const Field* x = r.get(n, "permit_dns", *nc, false)) c.name_constraints.permit_dns = r.text_list(*x);
        if (const Field* x = r.get(n, "exclude_dns", *nc, false)) c.name_constraints.exclude_dns = r.text_list(*x);
        for (const char* key : {"permit_dn", "exclude_dn"}) {
            const Field* x = r.get(n, key, *nc, false);
            if (x == nullptr) continue;
            auto names = r.text_list(*x);
            for (const auto& dn : names) {
                try {
                    pki::parse_name(dn, "'" + x->path + "'");
                } catch (const util::Error& err) {
                    r.problem(x->line, err.what());
                }
            }
            (std::string(key) == "permit_dn" ? c.name_constraints.permit_dn : c.name_constraints.exclude_dn) = names;
        }
    }
}

void read_key(YamlReader& r, const Field& f, Ceremony& c) {
    Fields k = r.mapping(f, kKeyKeys);
    std::optional<std::string> ref;
    if (const Field* loc = r.get(k, "location", f, f.node.IsMap())) ref = r.key_reference(*loc);
    if (ref) c.key.location = *ref;
    if (auto t = r.text(k, "type", f, f.node.IsMap())) {
        try {
            c.key.type = pki::parse_key_type(*t, "'key.type'");
        } catch (const util::Error& err) {
            r.problem(k.at("type").line, err.what());
        }
    }
    c.key.access = key_access(r, k, ref);
}

void read_issuer(YamlReader& r, const Field& f, Ceremony& c) {
    Fields i = r.mapping(f, kIssuerKeys);
    bool map = f.node.IsMap();
    if (auto cert = r.text(i, "cert", f, map)) c.issuer.cert = r.path(*cert);
    std::optional<std::string> ref;
    if (const Field* key = r.get(i, "key", f, map)) ref = r.key_reference(*key);
    if (ref) c.issuer.key = *ref;
    c.issuer.access = key_access(r, i, ref);
}

void read_outputs(YamlReader& r, const Field& f, Ceremony& c, std::optional<CeremonyType> type) {
    Fields o = r.mapping(f, kOutputKeys);
    if (auto cert = r.text(o, "cert", f, f.node.IsMap())) c.cert_out = r.path(*cert);
    if (const Field* chain = r.get(o, "chain", f, false)) {
        if (type == CeremonyType::root)
            r.problem(chain->line, "'outputs.chain' does not belong in a root ceremony (a root is its own chain)");
        else if (auto v = r.text(*chain))
            c.chain_out = r.path(*v);
    }
    if (auto t = r.text(o, "transcript", f, false)) c.transcript = r.path(*t);
}

// Two outputs naming one file would overwrite each other, and with --force
// an output naming an input would replace the issuer's own key or certificate.
void check_distinct_outputs(YamlReader& r, const Field& outputs, const Ceremony& c) {
    auto norm = [](const std::string& p) { return std::filesystem::path(p).lexically_normal().string(); };
    std::map<std::string, std::string> inputs;
    if (!c.issuer.cert.empty()) inputs.emplace(norm(c.issuer.cert), "'issuer.cert'");
    if (pki::is_file_ref(c.issuer.key)) inputs.emplace(norm(c.issuer.key.substr(5)), "'issuer.key'");
    std::map<std::string, std::string> seen;
    auto add = [&](const std::string& p, const std::string& what) {
        if (p.empty()) return;
        if (auto in = inputs.find(norm(p)); in != inputs.end())
            r.problem(outputs.line, what + " names the input " + in->second + " (" + p + ")");
        auto [it, fresh] = seen.emplace(norm(p), what);
        if (!fresh) r.problem(outputs.line, what + " and " + it->second + " name the same file " + p);
    };
    if (pki::is_file_ref(c.key.location)) add(c.key.location.substr(5), "'key.location'");
    add(c.cert_out, "'outputs.cert'");
    add(c.chain_out, "'outputs.chain'");
    add(c.transcript, "'outputs.transcript'");
}

}  // namespace

ParseResult parse_ceremony(const std::string& text, const std::string& origin, const std::string& base_dir) {
    ParseResult result;
    YamlReader r(result.problems, base_dir);
    auto loaded = r.load(text);
    if (!loaded) return result;
    const YAML::Node& doc = *loaded;
    Ceremony c;
    c.file = origin;
    c.sha256 = util::sha256_hex(text);
    Field top{doc, 1, ""};
    Fields f = r.mapping(top, kTopKeys);
    if (!doc.IsMap()) return result;

    r.check_version(f, top);
    std::optional<CeremonyType> type;
    if (const Field* t = r.get(f, "type", top, true)) {
        auto v = r.text(*t);
        if (v == "root") type = CeremonyType::root;
        else if (v == "intermediate") type = CeremonyType::intermediate;
        else if (v) r.problem(t->line, "'type' must be root or intermediate, not '" + *v + "'");
    }
    if (type) c.type = *type;
    if (const Field* n = r.get(f, "name", top, true)) {
        if (auto v = r.name(*n)) c.name = *v;
    }
    if (auto v = r.text(f, "operator", top, true)) c.operator_name = *v;
    if (const Field* w = r.get(f, "witnesses", top, false)) c.witnesses = r.text_list(*w);
    if (const Field* k = r.get(f, "key", top, true)) read_key(r, *k, c);
    if (const Field* s = r.get(f, "subject", top, true)) {
        if (auto v = r.text(*s)) {
            try {
                pki::parse_name(*v, "'subject'");
                c.subject = *v;
            } catch (const util::Error& err) {
                r.problem(s->line, err.what());
            }
        }
    }
    if (const Field* v = r.get(f, "validity", top, true)) read_validity(r, *v, c);
    if (const Field* e = r.get(f, "extensions", top, false)) read_extensions(r, *e, c, type);
    if (type == CeremonyType::intermediate && !c.path_len) c.path_len = 0;
    if (const Field* i = r.get(f, "issuer", top, type == CeremonyType::intermediate)) {
        if (type == CeremonyType::root)
            r.problem(i->line, "'issuer' does not belong in a root ceremony (a root signs itself)");
        else
            read_issuer(r, *i, c);
    }
    if (const Field* o = r.get(f, "outputs", top, true)) {
        read_outputs(r, *o, c, type);
        if (c.transcript.empty() && !c.name.empty()) c.transcript = r.path(c.name + "-ceremony.jsonl");
        check_distinct_outputs(r, *o, c);
    }

    // Fields are read in schema order; the author reads the file top to bottom.
    std::stable_sort(result.problems.begin(), result.problems.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    if (result.problems.empty()) result.ceremony = std::move(c);
    return result;
}

Ceremony load_ceremony(const std::string& path) {
    std::string text = util::read_file(path);
    std::string base = std::filesystem::path(path).parent_path().string();
    ParseResult parsed = parse_ceremony(text, path, base.empty() ? "." : base);
    if (!parsed.ceremony) {
        auto n = parsed.problems.size();
        // One error, one problem per line, so every mistake shows in one run.
        util::fail_input(path + ": " + std::to_string(n) + (n == 1 ? " problem" : " problems") +
                         " in the ceremony file\n" + format_problems(path, parsed.problems));
    }
    return std::move(*parsed.ceremony);
}

}  // namespace manifest
