#include "pki/verify.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>

#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "util/time.hpp"

namespace pki {

namespace {

// RFC 5280 anyPolicy: the initial policy set that accepts any policy.
constexpr const char* any_policy_oid = "2.5.29.32.0";
constexpr const char* device_uri_prefix = "urn:dev:serial:";

bool iequals_ascii(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

bool san_uri_names(const X509* cert, const std::string& device_id) {
    util::GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return false;
    const size_t prefix_len = std::char_traits<char>::length(device_uri_prefix);
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
        if (gn->type != GEN_URI) continue;
        std::string uri = util::asn1_utf8(gn->d.uniformResourceIdentifier);
        // The "urn:" scheme and the NID are case-insensitive (RFC 8141); the serial is not.
        if (uri.size() > prefix_len && iequals_ascii(uri.substr(0, prefix_len), device_uri_prefix) &&
            uri.substr(prefix_len) == device_id)
            return true;
    }
    return false;
}

bool subject_cn_is(const X509* cert, const std::string& device_id) {
    const X509_NAME* subject = X509_get_subject_name(cert);
    for (int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); idx >= 0;
         idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) {
        if (util::asn1_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx))) == device_id) return true;
    }
    return false;
}

unsigned long verify_flags(const VerifyParams& p, bool with_crls) {
    // Policy processing always runs: without it OpenSSL ignores policy
    // constraints (requireExplicitPolicy, inhibitPolicyMapping) in the path.
    unsigned long flags = X509_V_FLAG_X509_STRICT | X509_V_FLAG_POLICY_CHECK;
    if (with_crls) {
        // Every certificate of the path must have a CRL, and RFC 5280's CRL
        // features (indirect CRLs, distribution-point scopes, reason
        // partitions, delta CRLs) are honoured instead of being ignored:
        // a revocation listed only in a delta CRL must still count.
        flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_EXTENDED_CRL_SUPPORT |
                 X509_V_FLAG_USE_DELTAS;
    }
    if (p.policy.explicit_policy) flags |= X509_V_FLAG_EXPLICIT_POLICY;
    if (p.policy.inhibit_policy_mapping) flags |= X509_V_FLAG_INHIBIT_MAP;
    if (p.policy.inhibit_any_policy) flags |= X509_V_FLAG_INHIBIT_ANY;
    return flags;
}

void configure(X509_STORE_CTX* ctx, const VerifyParams& p, bool with_crls) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
    util::check_ok(X509_VERIFY_PARAM_set_flags(param, verify_flags(p, with_crls)), "cannot set verification flags");
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(p.at));
    // An explicit initial policy set, {anyPolicy} by default: with no set at
    // all, OpenSSL 3.0 rejects every path whose certificates require an
    // explicit policy, even when the path carries an acceptable one.
    auto oids = policy_oids(p.policy.initial_policies);
    util::check_ok(X509_VERIFY_PARAM_set1_policies(param, oids.get()), "cannot set the initial policy set");
    if (!p.dns_name.empty()) {
        util::check_ok(X509_VERIFY_PARAM_set1_host(param, p.dns_name.data(), p.dns_name.size()),
                       "--name: cannot use '" + p.dns_name + "'");
        // DNS names only: a subject CN is not a host name (RFC 9525 section 6.3).
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    if (p.purpose != Purpose::any) {
        int id = p.purpose == Purpose::client ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER;
        util::check_ok(X509_STORE_CTX_set_purpose(ctx, id), "cannot set the purpose");
    }
}

util::X509Stack to_stack(const std::vector<util::X509Ptr>& certs) {
    util::X509Stack stack(util::check_ptr(sk_X509_new_null(), "cannot allocate a certificate list"));
    for (const auto& c : certs) {
        // The stack holds references of its own, released with it.
        if (X509_up_ref(c.get()) != 1) util::throw_openssl("cannot reference a certificate");
        if (sk_X509_push(stack.get(), c.get()) <= 0) {
            X509_free(c.get());
            util::throw_openssl("cannot allocate a certificate list");
        }
    }
    return stack;
}

util::X509CrlStack to_stack(const std::vector<util::X509CrlPtr>& crls) {
    util::X509CrlStack stack(util::check_ptr(sk_X509_CRL_new_null(), "cannot allocate a CRL list"));
    for (const auto& c : crls) {
        if (X509_CRL_up_ref(c.get()) != 1) util::throw_openssl("cannot reference a CRL");
        if (sk_X509_CRL_push(stack.get(), c.get()) <= 0) {
            X509_CRL_free(c.get());
            util::throw_openssl("cannot allocate a CRL list");
        }
    }
    return stack;
}

template <typename T>
void append(std::vector<T>& to, std::vector<T> from) {
    for (auto& item : from) to.push_back(std::move(item));
}

}  // namespace

Purpose parse_purpose(const std::string& text) {
    if (text == "any") return Purpose::any;
    if (text == "client") return Purpose::client;
    if (text == "server") return Purpose::server;
    util::fail_input("--purpose: '" + text + "' is not one of client, server, any");
}

util::Asn1ObjectStack policy_oids(const std::vector<std::string>& oids) {
    util::Asn1ObjectStack stack(util::check_ptr(sk_ASN1_OBJECT_new_null(), "cannot allocate a policy list"));
    std::vector<std::string> wanted = oids.empty() ? std::vector<std::string>{any_policy_oid} : oids;
    for (const auto& text : wanted) {
        // Numeric form only: a name like "CN" would silently become 2.5.4.3.
        util::Asn1ObjectPtr obj(OBJ_txt2obj(text.c_str(), 1));
        if (!obj) {
            ERR_clear_error();
            util::fail_input("--policy: '" + text + "' is not a dotted OID (for example 2.16.840.1.101.3.2.1.48.1)");
        }
        if (sk_ASN1_OBJECT_push(stack.get(), obj.get()) <= 0) util::throw_openssl("cannot allocate a policy list");
        obj.release();  // now owned by the stack
    }
    return stack;
}

bool carries_device_id(const X509* cert, const std::string& device_id) {
    if (device_id.empty()) return false;
    return san_uri_names(cert, device_id) || subject_cn_is(cert, device_id);
}

ChainEntry describe(const X509* cert) {
    return {
        format_name(X509_get_subject_name(cert)),
        format_name(X509_get_issuer_name(cert)),
        util::serial_hex(X509_get0_serialNumber(cert)),
        util::cert_sha256_hex(cert),
        util::format_asn1_time(X509_get0_notBefore(cert)),
        util::format_asn1_time(X509_get0_notAfter(cert)),
    };
}

VerifyMaterial load_material(const std::string& leaf_path, const std::vector<std::string>& untrusted_paths,
                             const std::vector<std::string>& trust_paths, const std::vector<std::string>& crl_paths) {
    if (trust_paths.empty()) util::fail_input("--trust: at least one trust anchor file is needed");
    VerifyMaterial m;
    auto leaf_file = read_certificates(leaf_path);
    m.leaf = std::move(leaf_file.front());
    for (size_t i = 1; i < leaf_file.size(); ++i) m.untrusted.push_back(std::move(leaf_file[i]));
    for (const auto& path : untrusted_paths) append(m.untrusted, read_certificates(path));
    for (const auto& path : trust_paths) append(m.anchors, read_certificates(path));
    for (const auto& path : crl_paths) append(m.crls, read_crls(path));
    return m;
}

VerifyResult verify_path(const VerifyMaterial& m, const VerifyParams& p) {
    if (!m.leaf) util::fail_input("no certificate to verify");
    if (m.anchors.empty()) util::fail_input("--trust: at least one trust anchor is needed");

    util::X509StorePtr store(util::check_ptr(X509_STORE_new(), "cannot create a certificate store"));
    // Anchors go into the store, not a context-only trusted list: OpenSSL
    // validates the path of a CRL's signer against the store alone.
    for (const auto& anchor : m.anchors)
        util::check_ok(X509_STORE_add_cert(store.get(), anchor.get()), "cannot add a trust anchor");
    auto untrusted = to_stack(m.untrusted);
    // CRLs go to the context instead: the store is searched only by the
    // certificate's issuer name, which never finds an indirect CRL.
    auto crls = to_stack(m.crls);

    util::X509StoreCtxPtr ctx(util::check_ptr(X509_STORE_CTX_new(), "cannot create a verification context"));
    util::check_ok(X509_STORE_CTX_init(ctx.get(), store.get(), m.leaf.get(), untrusted.get()),
                   "cannot start the verification");
    X509_STORE_CTX_set0_crls(ctx.get(), crls.get());  // borrowed: `crls` outlives `ctx`
    configure(ctx.get(), p, !m.crls.empty());

    ERR_clear_error();
    int rc = X509_verify_cert(ctx.get());
    if (rc < 0) util::throw_openssl("the verification could not run");
    // Failures leave their reason in the context; the queue only repeats it.
    ERR_clear_error();

    VerifyResult r;
    r.checked_at = p.at;
    util::X509Stack chain(X509_STORE_CTX_get1_chain(ctx.get()));
    for (int i = 0; chain && i < sk_X509_num(chain.get()); ++i) r.chain.push_back(describe(sk_X509_value(chain.get(), i)));
    if (r.chain.empty()) r.chain.push_back(describe(m.leaf.get()));

    if (rc != 1) {
        r.error_code = X509_STORE_CTX_get_error(ctx.get());
        r.reason = X509_verify_cert_error_string(r.error_code);
        r.error_depth = X509_STORE_CTX_get_error_depth(ctx.get());
        if (const X509* at_fault = X509_STORE_CTX_get_current_cert(ctx.get()))
            r.error_subject = format_name(X509_get_subject_name(at_fault));
        return r;
    }
    if (!p.device_id.empty() && !carries_device_id(m.leaf.get(), p.device_id)) {
        r.error_code = X509_V_ERR_APPLICATION_VERIFICATION;
        r.reason = std::string(device_id_mismatch) + ": the certificate names neither URI " + device_uri_prefix +
                   p.device_id + " nor CN " + p.device_id;
        r.error_depth = 0;
        r.error_subject = r.chain.front().subject;
        return r;
    }
    r.valid = true;
    r.error_code = X509_V_OK;
    return r;
}

}  // namespace pki
