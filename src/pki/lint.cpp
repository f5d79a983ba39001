#include "pki/lint.hpp"

#include <map>

#include <openssl/x509v3.h>

#include "pki/key.hpp"
#include "util/time.hpp"

namespace pki {

namespace {

// Reads an extension without touching OpenSSL's per-certificate cache, which
// would otherwise be computed on the unsigned TBS and kept after signing.
template <typename T>
struct Ext {
    T* value = nullptr;
    int critical = -1;  // -1 absent, 0 or 1
};

struct BcOwner {
    BASIC_CONSTRAINTS* p;
    ~BcOwner() { BASIC_CONSTRAINTS_free(p); }
};

std::string time_text(const ASN1_TIME* t) {
    auto v = util::asn1_time_to_unix(t);
    return v ? util::format_rfc3339(*v) : std::string("(undecodable)");
}

struct CaFacts {
    bool has_bc = false;
    bool bc_critical = false;
    bool is_ca = false;
    long path_len = -1;  // -1 none
    bool has_ku = false;
    bool ku_critical = false;
    uint32_t ku = 0;
};

CaFacts ca_facts(const X509* x) {
    CaFacts f;
    int crit = -1;
    auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, &crit, nullptr));
    if (bc != nullptr) {
        BcOwner own{bc};
        f.has_bc = true;
        f.bc_critical = crit == 1;
        f.is_ca = bc->ca != 0;
        if (bc->pathlen != nullptr) f.path_len = ASN1_INTEGER_get(bc->pathlen);
    }
    crit = -1;
    auto* ku = static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(x, NID_key_usage, &crit, nullptr));
    if (ku != nullptr) {
        f.has_ku = true;
        f.ku_critical = crit == 1;
        for (int bit = 0; bit < 9; ++bit)
            if (ASN1_BIT_STRING_get_bit(ku, bit)) f.ku |= 1u << bit;
        ASN1_BIT_STRING_free(ku);
    }
    return f;
}

// Bit positions in the DER KeyUsage BIT STRING (RFC 5280 4.2.1.3).
constexpr uint32_t kDigitalSignature = 1u << 0;
constexpr uint32_t kKeyCertSign = 1u << 5;
constexpr uint32_t kCrlSign = 1u << 6;

}  // namespace

std::vector<LintFinding> lint_tbs(const X509* tbs, const X509* issuer, bool serial_reused) {
    std::vector<LintFinding> out;
    auto add = [&](const char* rule, std::string message) { out.push_back({rule, std::move(message)}); };

    const X509_NAME* subject = X509_get_subject_name(tbs);
    if (subject == nullptr || X509_NAME_entry_count(subject) == 0) add("subject-not-empty", "the subject is empty");

    const ASN1_TIME* nb = X509_get0_notBefore(tbs);
    const ASN1_TIME* na = X509_get0_notAfter(tbs);
    auto nbv = util::asn1_time_to_unix(nb);
    auto nav = util::asn1_time_to_unix(na);
    if (!nbv || !nav || *nbv >= *nav)
        add("validity-order", "not_before " + time_text(nb) + " is not before not_after " + time_text(na));
    if (issuer != nullptr && nbv && nav) {
        auto inb = util::asn1_time_to_unix(X509_get0_notBefore(issuer));
        auto ina = util::asn1_time_to_unix(X509_get0_notAfter(issuer));
        if (inb && *nbv < *inb)
            add("validity-within-issuer", "not_before " + time_text(nb) + " is before the issuer's not_before " +
                                              util::format_rfc3339(*inb));
        if (ina && *nav > *ina)
            add("validity-within-issuer", "not_after " + time_text(na) + " is after the issuer's not_after " +
                                              util::format_rfc3339(*ina));
    }

    const ASN1_INTEGER* serial = X509_get0_serialNumber(tbs);
    util::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn || BN_is_negative(bn.get()) || BN_is_zero(bn.get())) add("serial-positive", "the serial is not a positive integer");
    else if (BN_num_bytes(bn.get()) > 20) add("serial-size", "the serial is longer than 20 octets");
    if (serial_reused) add("serial-unique", "this issuer already used the serial");

    EVP_PKEY* pub = X509_get0_pubkey(tbs);
    if (pub == nullptr) add("key-strength", "the certificate has no public key");
    else if (std::string why = weak_key_reason(pub); !why.empty()) add("key-strength", why);

    std::map<int, int> seen;
    for (int i = 0; i < X509_get_ext_count(tbs); ++i) {
        const ASN1_OBJECT* obj = X509_EXTENSION_get_object(X509_get_ext(tbs, i));
        int nid = OBJ_obj2nid(obj);
        char name[80];
        OBJ_obj2txt(name, sizeof name, obj, 0);
        if (++seen[nid == NID_undef ? -1 - i : nid] == 2) add("extensions-unique", std::string("extension ") + name + " appears twice");
    }

    CaFacts f = ca_facts(tbs);
    bool ku_says_ca = (f.ku & kKeyCertSign) != 0;
    if (f.is_ca) {
        if (!f.bc_critical) add("ca-basic-constraints", "a CA certificate needs a critical basicConstraints extension");
        if (!f.has_ku || !ku_says_ca) add("ca-key-usage", "a CA certificate needs keyUsage keyCertSign");
        else if (!f.ku_critical) add("ca-key-usage", "a CA certificate's keyUsage must be critical");
        if (X509_get_ext_by_NID(tbs, NID_subject_key_identifier, -1) < 0)
            add("ca-subject-key-id", "a CA certificate needs a subject key identifier");
    } else {
        if (ku_says_ca || (f.ku & kCrlSign)) add("ca-key-usage", "keyCertSign or cRLSign without basicConstraints CA:TRUE");
        if (f.path_len >= 0) add("ca-key-usage", "a path length constraint on a certificate that is not a CA");
    }
    (void)kDigitalSignature;

    if (issuer == nullptr) {
        if (X509_get_ext_by_NID(tbs, NID_ext_key_usage, -1) >= 0) add("root-no-eku", "a root certificate must not carry extended key usage");
        if (!f.is_ca) add("ca-basic-constraints", "a self-signed root must be a CA");
    } else {
        CaFacts i = ca_facts(issuer);
        if (!i.is_ca) add("issuer-is-ca", "the issuer certificate is not a CA (basicConstraints CA:TRUE missing)");
        else if (i.has_ku && !(i.ku & kKeyCertSign)) add("issuer-is-ca", "the issuer's keyUsage lacks keyCertSign");
        if (f.is_ca && i.path_len == 0)
            add("issuer-path-length", "the issuer has path length 0 and cannot sign another CA");
        else if (f.is_ca && i.path_len > 0 && f.path_len >= i.path_len)
            add("issuer-path-length", "path length " + std::to_string(f.path_len) + " must be below the issuer's " +
                                          std::to_string(i.path_len));
        if (X509_get_ext_by_NID(tbs, NID_authority_key_identifier, -1) < 0)
            add("authority-key-id", "a certificate under an issuer needs an authority key identifier");
    }
    return out;
}

void enforce_lint(const std::vector<LintFinding>& findings) {
    if (findings.empty()) return;
    std::string msg = "certificate not signed, lint failed: ";
    for (size_t i = 0; i < findings.size(); ++i) {
        if (i) msg += "; ";
        msg += findings[i].rule + ": " + findings[i].message;
    }
    util::fail_input(msg);
}

}  // namespace pki
