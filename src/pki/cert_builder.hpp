#pragma once
// Builds a to-be-signed certificate from a spec, lints it, signs it and
// checks the signature before anyone sees it.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pki/ca.hpp"
#include "util/ossl.hpp"

namespace pki {

struct SubjectAltName {
    enum class Kind { dns, uri, email, ip } kind;
    std::string value;
};

struct CertSpec {
    const X509_NAME* subject = nullptr;
    const EVP_PKEY* public_key = nullptr;
    Window validity;
    bool is_ca = false;
    std::optional<int> path_len;
    int key_usage = 0;                        // KU_* bits from <openssl/x509v3.h>
    std::vector<std::string> ext_key_usage;   // short names or dotted OIDs
    std::vector<SubjectAltName> san;
    NameConstraints name_constraints;
    std::vector<std::string> crl_urls;
    std::vector<std::string> ocsp_urls;
    std::vector<std::string> ca_issuers_urls;
};

// Answers whether this issuer already used a serial. The foundation checks
// the issuer's own serial; the registry supplies every serial it holds.
using SerialInUse = std::function<bool(const ASN1_INTEGER*)>;

// issuer_cert null: self-signed with `issuer_key`. Fails (exit 2) naming the
// lint rule when the TBS certificate breaks one, (exit 1) when the signature
// does not verify under the issuer's public key.
util::X509Ptr build_certificate(const CertSpec& spec, const X509* issuer_cert, EVP_PKEY* issuer_key,
                                const SerialInUse& serial_in_use);

// A positive serial of 159 random bits (20 octets, high bit clear).
util::Asn1IntegerPtr random_serial();

}  // namespace pki
