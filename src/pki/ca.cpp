#include "pki/ca.hpp"

#include <unistd.h>

#include <utility>

#include <openssl/x509v3.h>

#include "device/device_id.hpp"
#include "pki/cert_builder.hpp"
#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "util/atomic_file.hpp"

namespace pki {

Window resolve_validity(const ValidityRequest& req, const util::Clock& clock, std::optional<int> default_days) {
    bool explicit_window = req.not_before || req.not_after;
    if (req.days && explicit_window) util::fail_input("give either --days or --not-before/--not-after, not both");
    Window w;
    if (explicit_window) {
        w.not_before = req.not_before ? *req.not_before : clock.now();
        if (!req.not_after) util::fail_input("--not-after is required with --not-before");
        w.not_after = *req.not_after;
    } else {
        std::optional<int> days = req.days ? req.days : default_days;
        if (!days) util::fail_input("give --days or --not-before/--not-after");
        if (*days <= 0) util::fail_input("--days must be positive");
        w.not_before = clock.now();
        w.not_after = w.not_before + static_cast<int64_t>(*days) * 86400;
    }
    if (w.not_before >= w.not_after)
        util::fail_input("not_before " + util::format_rfc3339(w.not_before) + " is not before not_after " +
                         util::format_rfc3339(w.not_after));
    return w;
}

LeafProfile parse_profile(const std::string& text) {
    if (text == "device") return LeafProfile::device;
    if (text == "server") return LeafProfile::server;
    util::fail_input("--profile: unknown profile '" + text + "' (device or server)");
}

namespace {

// Serials this issuer is known to have used. The registry will supply the
// full list; until then the issuer's own serial and those in its chain.
SerialInUse known_serials(const X509* issuer, const std::vector<util::X509Ptr>& chain) {
    return [issuer, &chain](const ASN1_INTEGER* s) {
        if (issuer != nullptr && ASN1_INTEGER_cmp(s, X509_get0_serialNumber(issuer)) == 0) return true;
        for (const auto& c : chain)
            if (ASN1_INTEGER_cmp(s, X509_get0_serialNumber(c.get())) == 0) return true;
        return false;
    };
}

std::string chain_text(const X509* cert, const X509* issuer, const std::vector<util::X509Ptr>& above) {
    std::string pem = cert_pem(cert);
    if (issuer != nullptr) pem += cert_pem(issuer);
    for (const auto& c : above) {
        // Skip the issuer if the chain file repeats it.
        if (issuer != nullptr && X509_cmp(c.get(), issuer) == 0) continue;
        pem += cert_pem(c.get());
    }
    return pem;
}

void check_outputs(const Outputs& out) {
    if (out.cert_path.empty()) util::fail_input("--out is required");
    util::ensure_writable_target(out.cert_path, out.overwrite);
    if (!out.chain_path.empty()) {
        if (out.chain_path == out.cert_path) util::fail_input("--chain-out must differ from --out");
        util::ensure_writable_target(out.chain_path, out.overwrite);
    }
}

// Writes the certificate (and chain), then keeps the key. If keeping the key
// fails the certificates go too: no certificate without its key.
void write_outputs(const Outputs& out, const X509* cert, const std::string& chain, SigningKey* new_key) {
    util::write_file_atomic(out.cert_path, cert_pem(cert), 0644, out.overwrite);
    try {
        if (!out.chain_path.empty()) util::write_file_atomic(out.chain_path, chain, 0644, out.overwrite);
        if (new_key != nullptr) new_key->commit();
    } catch (...) {
        ::unlink(out.cert_path.c_str());
        if (!out.chain_path.empty()) ::unlink(out.chain_path.c_str());
        throw;
    }
}

util::EvpPkey public_of(EVP_PKEY* key) {
    auto der = public_key_der(key);
    const unsigned char* p = der.data();
    EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (pub == nullptr) util::throw_openssl("cannot copy public key");
    return util::EvpPkey(pub);
}

struct CsrFacts {
    util::X509ReqPtr req;
    util::EvpPkey key;
};

// A CSR is trusted for nothing until its signature verifies with its own key.
CsrFacts checked_csr(const std::string& path, bool may_be_ca) {
    CsrFacts f;
    f.req = read_csr(path);
    EVP_PKEY* pub = X509_REQ_get0_pubkey(f.req.get());
    if (pub == nullptr) util::fail_input(path + ": the request has no readable public key");
    if (X509_REQ_verify(f.req.get(), pub) != 1) {
        util::drain_openssl_errors();
        util::fail_input(path + ": the request's signature does not verify; it was altered or made with another key");
    }
    if (std::string why = weak_key_reason(pub); !why.empty()) util::fail_input(path + ": weak key: " + why);
    if (!may_be_ca) {
        STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(f.req.get());
        bool asks_ca = false;
        if (exts != nullptr) {
            int idx = X509v3_get_ext_by_NID(exts, NID_basic_constraints, -1);
            if (idx >= 0) {
                auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts, idx)));
                asks_ca = bc != nullptr && bc->ca;
                BASIC_CONSTRAINTS_free(bc);
            }
            sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
        }
        if (asks_ca) util::fail_input(path + ": the request asks for CA:TRUE; a leaf profile never issues a CA");
    }
    f.key = public_of(pub);
    return f;
}

void check_device_id(const std::string& id) {
    if (id.empty()) util::fail_input("--device-id is required for the device profile");
    if (auto problem = device::id_problem(id)) {
        std::string shown = id.size() > device::kMaxIdLength ? id.substr(0, device::kMaxIdLength) + "..." : id;
        util::fail_input("--device-id '" + shown + "': " + *problem);
    }
}

template <typename Hook, typename... Args>
void call(const StepHooks* hooks, Hook StepHooks::*which, Args&&... args) {
    if (hooks != nullptr && hooks->*which) (hooks->*which)(std::forward<Args>(args)...);
}

}  // namespace

Issued init_root(const RootRequest& req) {
    check_outputs(req.out);
    auto subject = parse_name(req.subject, "--subject");
    call(req.hooks, &StepHooks::before_key_generation);
    auto key = create_signing_key(req.key_ref, req.key_type, req.key_access, req.out.overwrite);
    call(req.hooks, &StepHooks::key_generated, *key);
    auto pub = public_of(key->pkey());

    CertSpec spec;
    spec.subject = subject.get();
    spec.public_key = pub.get();
    spec.validity = req.validity;
    spec.is_ca = true;
    spec.path_len = req.path_len;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    call(req.hooks, &StepHooks::before_signing);
    auto cert = build_certificate(spec, nullptr, key->pkey(), nullptr);
    call(req.hooks, &StepHooks::signed_cert, cert.get());

    write_outputs(req.out, cert.get(), cert_pem(cert.get()), key.get());
    Issued issued;
    issued.warnings = key->warnings();
    issued.cert_path = req.out.cert_path;
    issued.chain_path = req.out.chain_path;
    issued.key_ref = key->describe();
    issued.sha256 = util::cert_sha256_hex(cert.get());
    issued.cert = std::move(cert);
    return issued;
}

Issued issue_intermediate(const IntermediateRequest& req) {
    check_outputs(req.out);
    if (req.key_ref.empty() == req.csr_path.empty()) util::fail_input("give either --key (a new key) or --csr (a key made elsewhere)");
    auto issuer_chain = read_certificates(req.issuer_cert_path);
    X509* issuer = issuer_chain.front().get();
    auto issuer_key = open_signing_key(req.issuer_key_ref, req.issuer_access);
    call(req.hooks, &StepHooks::issuer_opened, issuer, *issuer_key);

    std::unique_ptr<SigningKey> new_key;
    util::EvpPkey pub;
    util::X509NamePtr subject;
    if (!req.csr_path.empty()) {
        auto csr = checked_csr(req.csr_path, true);
        pub = std::move(csr.key);
        subject = req.subject.empty() ? util::X509NamePtr(X509_NAME_dup(X509_REQ_get_subject_name(csr.req.get())))
                                      : parse_name(req.subject, "--subject");
    } else {
        subject = parse_name(req.subject, "--subject");
        call(req.hooks, &StepHooks::before_key_generation);
        new_key = create_signing_key(req.key_ref, req.key_type, req.key_access, req.out.overwrite);
        call(req.hooks, &StepHooks::key_generated, *new_key);
        pub = public_of(new_key->pkey());
    }

    CertSpec spec;
    spec.subject = subject.get();
    spec.public_key = pub.get();
    spec.validity = req.validity;
    spec.is_ca = true;
    spec.path_len = req.path_len;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE;
    spec.ext_key_usage = req.ext_key_usage;
    spec.name_constraints = req.name_constraints;
    spec.crl_urls = req.crl_urls;
    spec.ocsp_urls = req.ocsp_urls;
    spec.ca_issuers_urls = req.ca_issuers_urls;
    call(req.hooks, &StepHooks::before_signing);
    auto cert = build_certificate(spec, issuer, issuer_key->pkey(), known_serials(issuer, issuer_chain));
    call(req.hooks, &StepHooks::signed_cert, cert.get());

    std::vector<util::X509Ptr> above;
    for (size_t i = 1; i < issuer_chain.size(); ++i) above.emplace_back(X509_dup(issuer_chain[i].get()));
    write_outputs(req.out, cert.get(), chain_text(cert.get(), issuer, above), new_key.get());
    Issued issued;
    issued.warnings = issuer_key->warnings();
    if (new_key)
        for (auto& note : new_key->warnings()) issued.warnings.push_back(std::move(note));
    issued.cert_path = req.out.cert_path;
    issued.chain_path = req.out.chain_path;
    issued.key_ref = new_key ? new_key->describe() : "";
    issued.sha256 = util::cert_sha256_hex(cert.get());
    issued.cert = std::move(cert);
    return issued;
}

Issued sign_csr(const LeafRequest& req) {
    check_outputs(req.out);
    auto csr = checked_csr(req.csr_path, false);
    auto issuer_chain = read_certificates(req.issuer_cert_path);
    X509* issuer = issuer_chain.front().get();
    std::vector<util::X509Ptr> above;
    for (size_t i = 1; i < issuer_chain.size(); ++i) above.emplace_back(X509_dup(issuer_chain[i].get()));
    if (!req.chain_path.empty())
        for (auto& c : read_certificates(req.chain_path)) above.push_back(std::move(c));

    Issued issued;
    Window w = req.validity;
    auto inb = util::asn1_time_to_unix(X509_get0_notBefore(issuer));
    auto ina = util::asn1_time_to_unix(X509_get0_notAfter(issuer));
    if (req.clip_validity && inb && ina) {
        if (w.not_before < *inb) w.not_before = *inb;
        if (w.not_after > *ina) {
            issued.warnings.push_back("validity clipped to the issuer's not_after " + util::format_rfc3339(*ina));
            w.not_after = *ina;
        }
    }

    util::X509NamePtr subject;
    CertSpec spec;
    if (req.profile == LeafProfile::device) {
        check_device_id(req.device_id);
        // The device ID bound by the operator wins over whatever CN the device asked for.
        subject = req.subject.empty() ? util::X509NamePtr(X509_NAME_dup(X509_REQ_get_subject_name(csr.req.get())))
                                      : parse_name(req.subject, "--subject");
        int idx;
        while ((idx = X509_NAME_get_index_by_NID(subject.get(), NID_commonName, -1)) >= 0)
            X509_NAME_ENTRY_free(X509_NAME_delete_entry(subject.get(), idx));
        X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(req.device_id.data()),
                                   static_cast<int>(req.device_id.size()), -1, 0);
        spec.key_usage = KU_DIGITAL_SIGNATURE;
        spec.ext_key_usage = {"clientAuth"};
        spec.san.push_back({SubjectAltName::Kind::uri, "urn:dev:serial:" + req.device_id});
        for (const auto& d : req.dns_names) spec.san.push_back({SubjectAltName::Kind::dns, d});
    } else {
        if (req.dns_names.empty()) util::fail_input("the server profile needs at least one --dns name");
        if (!req.subject.empty()) {
            subject = parse_name(req.subject, "--subject");
        } else {
            subject = util::X509NamePtr(X509_NAME_dup(X509_REQ_get_subject_name(csr.req.get())));
            if (X509_NAME_entry_count(subject.get()) == 0)
                X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                                           reinterpret_cast<const unsigned char*>(req.dns_names[0].data()),
                                           static_cast<int>(req.dns_names[0].size()), -1, 0);
        }
        spec.key_usage = KU_DIGITAL_SIGNATURE;
        if (EVP_PKEY_get_base_id(csr.key.get()) == EVP_PKEY_RSA) spec.key_usage |= KU_KEY_ENCIPHERMENT;
        spec.ext_key_usage = {"serverAuth"};
        for (const auto& d : req.dns_names) spec.san.push_back({SubjectAltName::Kind::dns, d});
    }
    spec.subject = subject.get();
    spec.public_key = csr.key.get();
    spec.validity = w;
    spec.is_ca = false;

    auto issuer_key = open_signing_key(req.issuer_key_ref, req.issuer_access);
    auto cert = build_certificate(spec, issuer, issuer_key->pkey(), known_serials(issuer, above));
    write_outputs(req.out, cert.get(), chain_text(cert.get(), issuer, above), nullptr);
    for (auto& note : issuer_key->warnings()) issued.warnings.push_back(std::move(note));
    issued.cert_path = req.out.cert_path;
    issued.chain_path = req.out.chain_path;
    issued.sha256 = util::cert_sha256_hex(cert.get());
    issued.cert = std::move(cert);
    return issued;
}

}  // namespace pki
