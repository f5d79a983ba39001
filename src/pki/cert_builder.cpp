#include "pki/cert_builder.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki/key.hpp"
#include "pki/lint.hpp"
#include "pki/name.hpp"

namespace pki {

util::Asn1IntegerPtr random_serial() {
    unsigned char bytes[20];
    if (RAND_bytes(bytes, sizeof bytes) != 1) util::throw_openssl("random number generator failed");
    bytes[0] &= 0x7f;
    bytes[0] |= 0x40;  // keep the full 159 bits: never a short serial, never negative
    util::BnPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    return util::Asn1IntegerPtr(util::check_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "cannot encode serial"));
}

namespace {

void add_ext(X509* x, int nid, void* value, bool critical, const char* what) {
    if (X509_add1_ext_i2d(x, nid, value, critical ? 1 : 0, X509V3_ADD_APPEND) != 1)
        util::throw_openssl(std::string("cannot add ") + what);
}

void add_conf_ext(X509* x, X509V3_CTX* ctx, int nid, const std::string& value, const char* what) {
    util::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
    if (!ext) util::throw_openssl(std::string("cannot build ") + what, util::ExitCode::usage);
    if (X509_add_ext(x, ext.get(), -1) != 1) util::throw_openssl(std::string("cannot add ") + what);
}

// URLs go into a config string, so they must not carry its separators.
void check_url(const std::string& url, const char* option) {
    bool scheme_ok = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 || url.rfind("ldap://", 0) == 0;
    if (!scheme_ok || url.find_first_of(", \t\n;") != std::string::npos)
        util::fail_input(std::string(option) + ": '" + url + "' is not an http(s) or ldap URL without commas or spaces");
}

GENERAL_NAME* general_name(int type, const std::string& value, const char* what) {
    GENERAL_NAME* gn = nullptr;
    if (type == GEN_DIRNAME) {
        auto name = parse_name(value, what);
        gn = GENERAL_NAME_new();
        gn->type = GEN_DIRNAME;
        gn->d.directoryName = name.release();
        return gn;
    }
    gn = a2i_GENERAL_NAME(nullptr, nullptr, nullptr, type, value.c_str(), 0);
    if (gn == nullptr) util::throw_openssl(std::string(what) + ": '" + value + "' is not valid", util::ExitCode::usage);
    return gn;
}

void add_name_constraints(X509* x, const NameConstraints& nc) {
    NAME_CONSTRAINTS* ncons = NAME_CONSTRAINTS_new();
    auto add_subtrees = [](STACK_OF(GENERAL_SUBTREE) * *tree, const std::vector<std::string>& values, int type,
                           const char* what) {
        for (const auto& v : values) {
            if (*tree == nullptr) *tree = sk_GENERAL_SUBTREE_new_null();
            GENERAL_SUBTREE* st = GENERAL_SUBTREE_new();
            GENERAL_NAME_free(st->base);
            st->base = general_name(type, v, what);
            sk_GENERAL_SUBTREE_push(*tree, st);
        }
    };
    try {
        add_subtrees(&ncons->permittedSubtrees, nc.permit_dns, GEN_DNS, "--permit-dns");
        add_subtrees(&ncons->permittedSubtrees, nc.permit_dn, GEN_DIRNAME, "--permit-dn");
        add_subtrees(&ncons->excludedSubtrees, nc.exclude_dns, GEN_DNS, "--exclude-dns");
        add_subtrees(&ncons->excludedSubtrees, nc.exclude_dn, GEN_DIRNAME, "--exclude-dn");
        add_ext(x, NID_name_constraints, ncons, true, "name constraints");
    } catch (...) {
        NAME_CONSTRAINTS_free(ncons);
        throw;
    }
    NAME_CONSTRAINTS_free(ncons);
}

void add_extended_key_usage(X509* x, const std::vector<std::string>& ekus) {
    EXTENDED_KEY_USAGE* eku = sk_ASN1_OBJECT_new_null();
    for (const auto& name : ekus) {
        ASN1_OBJECT* obj = OBJ_txt2obj(name.c_str(), 0);
        if (obj == nullptr) {
            sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
            util::fail_input("extended key usage '" + name + "' is unknown (clientAuth, serverAuth, codeSigning, or a dotted OID)");
        }
        sk_ASN1_OBJECT_push(eku, obj);
    }
    try {
        add_ext(x, NID_ext_key_usage, eku, false, "extended key usage");
    } catch (...) {
        sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
        throw;
    }
    sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

void add_san(X509* x, const std::vector<SubjectAltName>& san) {
    util::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    for (const auto& s : san) {
        int type = GEN_DNS;
        const char* what = "DNS name";
        switch (s.kind) {
            case SubjectAltName::Kind::dns: type = GEN_DNS; what = "DNS name"; break;
            case SubjectAltName::Kind::uri: type = GEN_URI; what = "URI"; break;
            case SubjectAltName::Kind::email: type = GEN_EMAIL; what = "email"; break;
            case SubjectAltName::Kind::ip: type = GEN_IPADD; what = "IP address"; break;
        }
        sk_GENERAL_NAME_push(names.get(), general_name(type, s.value, what));
    }
    add_ext(x, NID_subject_alt_name, names.get(), false, "subject alternative name");
}

}  // namespace

util::X509Ptr build_certificate(const CertSpec& spec, const X509* issuer_cert, EVP_PKEY* issuer_key,
                                const SerialInUse& serial_in_use) {
    util::X509Ptr x(util::check_ptr(X509_new(), "cannot allocate certificate"));
    util::check_ok(X509_set_version(x.get(), X509_VERSION_3), "cannot set version");

    util::Asn1IntegerPtr serial = random_serial();
    for (int tries = 0; tries < 8 && serial_in_use && serial_in_use(serial.get()); ++tries) serial = random_serial();
    util::check_ok(X509_set_serialNumber(x.get(), serial.get()), "cannot set serial");

    util::check_ok(X509_set_subject_name(x.get(), spec.subject), "cannot set subject");
    const X509_NAME* issuer_name = issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : spec.subject;
    util::check_ok(X509_set_issuer_name(x.get(), issuer_name), "cannot set issuer");

    util::Asn1TimePtr nb(ASN1_TIME_set(nullptr, static_cast<time_t>(spec.validity.not_before)));
    util::Asn1TimePtr na(ASN1_TIME_set(nullptr, static_cast<time_t>(spec.validity.not_after)));
    if (!nb || !na) util::throw_openssl("cannot encode validity");
    util::check_ok(X509_set1_notBefore(x.get(), nb.get()), "cannot set not_before");
    util::check_ok(X509_set1_notAfter(x.get(), na.get()), "cannot set not_after");
    util::check_ok(X509_set_pubkey(x.get(), const_cast<EVP_PKEY*>(spec.public_key)), "cannot set public key");

    // basicConstraints: always present and critical for CAs, present for leaves too (CA:FALSE).
    {
        BASIC_CONSTRAINTS* bc = BASIC_CONSTRAINTS_new();
        bc->ca = spec.is_ca ? 0xff : 0;
        if (spec.is_ca && spec.path_len) {
            bc->pathlen = ASN1_INTEGER_new();
            ASN1_INTEGER_set(bc->pathlen, *spec.path_len);
        }
        try {
            add_ext(x.get(), NID_basic_constraints, bc, true, "basic constraints");
        } catch (...) {
            BASIC_CONSTRAINTS_free(bc);
            throw;
        }
        BASIC_CONSTRAINTS_free(bc);
    }
    if (spec.key_usage != 0) {
        ASN1_BIT_STRING* ku = ASN1_BIT_STRING_new();
        // KU_* constants are the DER bit string's first two bytes, most significant bit first.
        for (int bit = 0; bit < 9; ++bit) {
            int mask = bit < 8 ? (0x80 >> bit) : 0x8000;
            if (spec.key_usage & mask) ASN1_BIT_STRING_set_bit(ku, bit, 1);
        }
        add_ext(x.get(), NID_key_usage, ku, true, "key usage");
        ASN1_BIT_STRING_free(ku);
    }
    if (!spec.ext_key_usage.empty()) add_extended_key_usage(x.get(), spec.ext_key_usage);
    if (!spec.san.empty()) add_san(x.get(), spec.san);
    if (!spec.name_constraints.empty()) add_name_constraints(x.get(), spec.name_constraints);

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer_cert != nullptr ? const_cast<X509*>(issuer_cert) : x.get(), x.get(), nullptr, nullptr, 0);
    add_conf_ext(x.get(), &ctx, NID_subject_key_identifier, "hash", "subject key identifier");
    if (issuer_cert != nullptr) add_conf_ext(x.get(), &ctx, NID_authority_key_identifier, "keyid:always", "authority key identifier");
    for (const auto& url : spec.crl_urls) check_url(url, "--crl-url");
    if (!spec.crl_urls.empty()) {
        std::string v;
        for (const auto& url : spec.crl_urls) v += (v.empty() ? "URI:" : ",URI:") + url;
        add_conf_ext(x.get(), &ctx, NID_crl_distribution_points, v, "CRL distribution points");
    }
    if (!spec.ocsp_urls.empty() || !spec.ca_issuers_urls.empty()) {
        std::string v;
        for (const auto& url : spec.ocsp_urls) {
            check_url(url, "--ocsp-url");
            v += (v.empty() ? "" : ",") + std::string("OCSP;URI:") + url;
        }
        for (const auto& url : spec.ca_issuers_urls) {
            check_url(url, "--ca-issuers-url");
            v += (v.empty() ? "" : ",") + std::string("caIssuers;URI:") + url;
        }
        add_conf_ext(x.get(), &ctx, NID_info_access, v, "authority information access");
    }

    bool reused = serial_in_use ? serial_in_use(X509_get0_serialNumber(x.get())) : false;
    enforce_lint(lint_tbs(x.get(), issuer_cert, reused));

    if (issuer_cert != nullptr && !same_public_key(X509_get0_pubkey(issuer_cert), issuer_key))
        util::fail_input("the issuer key does not match the issuer certificate's public key; nothing was signed");

    ERR_clear_error();
    if (X509_sign(x.get(), issuer_key, digest_for(issuer_key)) <= 0) util::throw_openssl("signing failed");

    // Checked with the issuer's public key as published, not the signing
    // handle: a token that signs with the wrong key is caught here.
    EVP_PKEY* verify_key = issuer_cert != nullptr ? X509_get0_pubkey(issuer_cert) : X509_get0_pubkey(x.get());
    if (X509_verify(x.get(), verify_key) != 1)
        util::throw_openssl("the new certificate's signature does not verify under the issuer's public key; nothing was written");
    return x;
}

}  // namespace pki
