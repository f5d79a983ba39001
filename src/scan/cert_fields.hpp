#pragma once
// The few fields an expiry scan reports, read straight from a certificate's
// DER with OpenSSL's low-level ASN.1 calls: no X509 object, no public-key
// decoding through the provider framework. A certificate the walk cannot
// take apart is handed to d2i_X509, so the scan never reads less than OpenSSL does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scan {

struct CertFields {
    std::string_view der;      // the whole certificate as found
    std::string_view serial;   // INTEGER content octets
    std::string_view issuer;   // Name, whole TLV
    std::string_view subject;  // Name, whole TLV
    int64_t not_before = 0;
    int64_t not_after = 0;
    // Set when the walk fell back to d2i_X509: the views then point here.
    std::string owned_issuer, owned_subject, owned_serial;
};

// Walks the certificate at the front of `der` (trailing bytes are allowed:
// a TRUSTED CERTIFICATE carries its aux data there). On failure returns the
// reason in one line ("notAfter 20261301000000Z is not a valid time").
std::optional<std::string> read_cert_fields(std::string_view der, CertFields& out);

// The DER of one ASN.1 time (UTCTime 0x17 or GeneralizedTime 0x18 content) in
// Unix seconds, as OpenSSL reads it (minutes-only UTCTime, offsets and
// fractions included); nullopt when OpenSSL would not accept it either.
std::optional<int64_t> der_time_to_unix(int tag, std::string_view content);

// A serial's INTEGER content as uppercase hex, like BN_bn2hex ("0" for zero, "-" for negative).
std::string serial_text(std::string_view content);

}  // namespace scan
