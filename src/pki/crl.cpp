#include "pki/crl.hpp"

#include <iterator>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki/key.hpp"
#include "pki/name.hpp"

namespace pki {

namespace {

using RevokedPtr = std::unique_ptr<X509_REVOKED, util::Free<X509_REVOKED_free>>;
using EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, util::Free<ASN1_ENUMERATED_free>>;
using AkidPtr = std::unique_ptr<AUTHORITY_KEYID, util::Free<AUTHORITY_KEYID_free>>;

// Index = CRLReason code; "" marks the unused code 7.
const char* const kReasonNames[] = {"unspecified",       "keyCompromise",        "cACompromise", "affiliationChanged",
                                    "superseded",        "cessationOfOperation", "certificateHold", "",
                                    "removeFromCRL",     "privilegeWithdrawn",   "aACompromise"};

util::BnPtr serial_bn(const std::string& text) {
    std::string hex;
    for (char c : text) {
        if (c == ':') continue;
        bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!digit) return nullptr;
        hex += c;
    }
    // 20 octets is RFC 5280's ceiling; a little slack for leading zeros.
    if (hex.empty() || hex.size() > 64) return nullptr;
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, hex.c_str()) != static_cast<int>(hex.size())) {
        BN_free(raw);
        ERR_clear_error();
        return nullptr;
    }
    return util::BnPtr(raw);
}

util::Asn1TimePtr asn1_time(int64_t t, const char* what) {
    return util::Asn1TimePtr(util::check_ptr(ASN1_TIME_set(nullptr, static_cast<time_t>(t)), what));
}

void add_entry(X509_CRL* crl, const RevokedEntry& e) {
    auto bn = serial_bn(e.serial);
    if (!bn) util::fail_input("revoked serial '" + e.serial + "' is not hexadecimal");
    util::Asn1IntegerPtr serial(util::check_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "cannot encode a serial"));
    RevokedPtr rev(util::check_ptr(X509_REVOKED_new(), "cannot allocate a CRL entry"));
    util::check_ok(X509_REVOKED_set_serialNumber(rev.get(), serial.get()), "cannot set a revoked serial");
    auto when = asn1_time(e.revoked_at, "cannot encode a revocation date");
    util::check_ok(X509_REVOKED_set_revocationDate(rev.get(), when.get()), "cannot set a revocation date");
    auto code = e.reason.empty() ? std::optional<int>(0) : revocation_reason_code(e.reason);
    if (!code) util::fail_input("serial " + e.serial + ": unknown revocation reason '" + e.reason + "'");
    // RFC 5280 5.3.1: absent rather than unspecified.
    if (*code != 0) {
        EnumeratedPtr reason(util::check_ptr(ASN1_ENUMERATED_new(), "cannot allocate a reason code"));
        util::check_ok(ASN1_ENUMERATED_set(reason.get(), *code), "cannot set a reason code");
        util::check_ok(X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, reason.get(), 0, 0),
                       "cannot add a reason code");
    }
    util::check_ok(X509_CRL_add0_revoked(crl, rev.get()), "cannot add a CRL entry");
    rev.release();  // owned by the CRL now
}

}  // namespace

const std::vector<std::string>& revocation_reasons() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const char* n : kReasonNames)
            if (*n != '\0' && std::string(n) != "removeFromCRL") out.emplace_back(n);
        return out;
    }();
    return names;
}

std::string revocation_reason_list() {
    std::string out;
    for (const auto& n : revocation_reasons()) out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::optional<int> revocation_reason_code(const std::string& name) {
    if (name.empty() || name == "removeFromCRL") return std::nullopt;
    for (int code = 0; code < static_cast<int>(std::size(kReasonNames)); ++code)
        if (name == kReasonNames[code]) return code;
    return std::nullopt;
}

void check_revocation_reason(const std::string& name, const std::string& option) {
    if (name == "removeFromCRL")
        util::fail_input(option + ": removeFromCRL only takes an entry back in a delta CRL; a revocation is final");
    if (!revocation_reason_code(name))
        util::fail_input(option + ": '" + name + "' is not a revocation reason; use one of " + revocation_reason_list());
}

std::optional<std::string> normalise_serial(const std::string& text) {
    auto bn = serial_bn(text);
    if (!bn) return std::nullopt;
    util::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!serial) {
        ERR_clear_error();
        return std::nullopt;
    }
    return util::serial_hex(serial.get());
}

bool name_matches(const X509_NAME* name, const std::string& text) {
    if (text.empty()) return false;
    if (format_name(name) == text) return true;
    // The slash form X509_NAME_oneline writes.
    char buf[1024];
    if (X509_NAME_oneline(name, buf, sizeof buf) != nullptr && text == buf) return true;
    try {
        auto parsed = parse_name(text, "issuer");
        return X509_NAME_cmp(parsed.get(), name) == 0;
    } catch (const util::Error&) {
        // Not a DN parse_name reads (e.g. an unescaped comma): only exact text matched.
        ERR_clear_error();
        return false;
    }
}

void check_crl_signer(const X509* issuer, const EVP_PKEY* key) {
    if (issuer == nullptr || key == nullptr) util::fail_input("a CRL needs an issuer certificate and its key");
    if (!same_public_key(X509_get0_pubkey(issuer), key))
        util::fail_input("the issuer key does not match the issuer certificate's public key (" +
                         format_name(X509_get_subject_name(issuer)) + "); nothing was signed");
    X509* cert = const_cast<X509*>(issuer);  // the getters below only cache decoded extensions
    if (X509_check_ca(cert) == 0)
        util::fail_input("the issuer certificate " + format_name(X509_get_subject_name(issuer)) +
                         " is not a CA certificate and cannot sign CRLs");
    if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) && !(X509_get_key_usage(cert) & KU_CRL_SIGN))
        util::fail_input("the issuer certificate " + format_name(X509_get_subject_name(issuer)) +
                         " has a key usage without cRLSign and cannot sign CRLs");
    if (X509_get0_subject_key_id(cert) == nullptr)
        util::fail_input("the issuer certificate " + format_name(X509_get_subject_name(issuer)) +
                         " has no subject key identifier for the CRL's authority key identifier");
}

util::X509CrlPtr build_crl(const CrlRequest& req) {
    check_crl_signer(req.issuer, req.key);
    if (req.number <= 0) util::fail_input("a CRL number must be positive");
    if (req.next_update <= req.this_update) util::fail_input("a CRL's next update must come after its this update");

    ERR_clear_error();
    util::X509CrlPtr crl(util::check_ptr(X509_CRL_new(), "cannot allocate a CRL"));
    util::check_ok(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2), "cannot set the CRL version");
    util::check_ok(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(req.issuer)), "cannot set the CRL issuer");
    auto this_update = asn1_time(req.this_update, "cannot encode thisUpdate");
    auto next_update = asn1_time(req.next_update, "cannot encode nextUpdate");
    util::check_ok(X509_CRL_set1_lastUpdate(crl.get(), this_update.get()), "cannot set thisUpdate");
    util::check_ok(X509_CRL_set1_nextUpdate(crl.get(), next_update.get()), "cannot set nextUpdate");
    for (const auto& e : req.revoked) add_entry(crl.get(), e);
    util::check_ok(X509_CRL_sort(crl.get()), "cannot sort the CRL entries");

    // RFC 5280 5.2.1: the key identifier, so relying parties find the signer's key.
    AkidPtr akid(util::check_ptr(AUTHORITY_KEYID_new(), "cannot allocate an authority key identifier"));
    X509* issuer = const_cast<X509*>(req.issuer);  // OpenSSL 3.0's extension getters take it non-const
    akid->keyid = util::check_ptr(ASN1_OCTET_STRING_dup(X509_get0_subject_key_id(issuer)),
                                  "cannot copy the issuer's key identifier");
    util::check_ok(X509_CRL_add1_ext_i2d(crl.get(), NID_authority_key_identifier, akid.get(), 0, 0),
                   "cannot add the authority key identifier");
    util::Asn1IntegerPtr number(util::check_ptr(ASN1_INTEGER_new(), "cannot allocate the CRL number"));
    util::check_ok(ASN1_INTEGER_set_int64(number.get(), req.number), "cannot set the CRL number");
    util::check_ok(X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0), "cannot add the CRL number");

    if (X509_CRL_sign(crl.get(), req.key, digest_for(req.key)) <= 0) util::throw_openssl("signing the CRL failed");
    // Checked with the issuer's published key, not the signing handle.
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(req.issuer)) != 1)
        util::throw_openssl("the CRL's signature does not verify under the issuer's public key; nothing was written");
    return crl;
}

std::string crl_pem(const X509_CRL* crl) {
    util::BioPtr bio(util::check_ptr(BIO_new(BIO_s_mem()), "cannot allocate a buffer"));
    if (PEM_write_bio_X509_CRL(bio.get(), const_cast<X509_CRL*>(crl)) != 1) util::throw_openssl("cannot encode the CRL");
    return util::bio_text(bio.get());
}

}  // namespace pki
