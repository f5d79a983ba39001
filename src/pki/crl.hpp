#pragma once
// Certificate revocation lists (RFC 5280 section 5): revocation reasons,
// serial and issuer matching, and building and signing a v2 CRL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/ossl.hpp"

namespace pki {

// The RFC 5280 CRLReason names a revocation may carry, in code order:
// unspecified (0) ... aACompromise (10); code 7 is unused. removeFromCRL (8)
// only takes an entry back in a delta CRL, so it is not among them.
const std::vector<std::string>& revocation_reasons();
// "unspecified, keyCompromise, ...": for messages and help.
std::string revocation_reason_list();
// The CRLReason code of a name from revocation_reasons(); nullopt otherwise
// (removeFromCRL included).
std::optional<int> revocation_reason_code(const std::string& name);
// Exit 2 for an unknown name (listing the valid ones) and for removeFromCRL.
void check_revocation_reason(const std::string& name, const std::string& option = "--reason");

// A serial as typed ("0a:1b", "0A1B", "a1b") in provctl's form: uppercase
// hex as util::serial_hex writes it. nullopt when it is not hex.
std::optional<std::string> normalise_serial(const std::string& text);

// Whether a DN stored as text (the registry's issuer column) names `name`:
// the exact RFC 4514 text pki::format_name writes, or any other spelling
// of the same DN parse_name reads (spacing, case, the slash form), compared
// as X.509 names.
bool name_matches(const X509_NAME* name, const std::string& text);

struct RevokedEntry {
    std::string serial;      // hex, as normalise_serial accepts
    int64_t revoked_at = 0;  // Unix seconds
    std::string reason;      // a name from revocation_reasons(); "" or "unspecified": no reason code
};

struct CrlRequest {
    const X509* issuer = nullptr;  // the CA certificate whose subject is the CRL issuer
    EVP_PKEY* key = nullptr;       // its private key
    std::vector<RevokedEntry> revoked;
    int64_t number = 0;            // cRLNumber, > 0
    int64_t this_update = 0;       // Unix seconds
    int64_t next_update = 0;       // after this_update
};

// Before anything else is spent on a CRL: exit 2 when the key is not the
// certificate's, the certificate may not sign CRLs (not a CA, or a key usage
// without cRLSign), or it has no subject key identifier for the CRL's
// authority key identifier.
void check_crl_signer(const X509* issuer, const EVP_PKEY* key);

// A v2 CRL: issuer = the certificate's subject, thisUpdate/nextUpdate, one
// entry per revoked serial (sorted, with a reasonCode extension unless
// unspecified), cRLNumber and authorityKeyIdentifier (the issuer's SKI),
// signed with `key` and checked against the certificate's public key.
util::X509CrlPtr build_crl(const CrlRequest& request);

std::string crl_pem(const X509_CRL* crl);

}  // namespace pki
