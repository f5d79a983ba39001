#pragma once
// Certification path validation (RFC 5280 section 6) through OpenSSL's
// X509_STORE_CTX, with strict X.509 checks and, when CRLs are given,
// revocation checks on every certificate of the path.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/ossl.hpp"

namespace pki {

enum class Purpose { any, client, server };

// "client", "server" or "any"; exit 2 naming --purpose otherwise.
Purpose parse_purpose(const std::string& text);

// The policy inputs of RFC 5280 6.1.1 (c), (e), (f), (g). The defaults are
// the "default settings" of NIST PKITS and RFC 5280's usual values.
struct PolicyInputs {
    std::vector<std::string> initial_policies;  // dotted OIDs; empty means {anyPolicy}
    bool explicit_policy = false;               // initial-explicit-policy
    bool inhibit_policy_mapping = false;        // initial-policy-mapping-inhibit
    bool inhibit_any_policy = false;            // initial-any-policy-inhibit
};

struct VerifyParams {
    int64_t at = 0;                  // validation time, Unix seconds (also the time CRLs are judged at)
    Purpose purpose = Purpose::any;  // any: no extended key usage check
    std::string dns_name;            // empty: no host name check
    std::string device_id;           // empty: no device ID check
    PolicyInputs policy;
};

// What the check works on, already read from files.
struct VerifyMaterial {
    util::X509Ptr leaf;
    std::vector<util::X509Ptr> untrusted;  // candidates for intermediates (and CRL signers)
    std::vector<util::X509Ptr> anchors;    // trust anchors
    std::vector<util::X509CrlPtr> crls;    // none: no revocation checking at all
};

// One certificate of the path as shown to users.
struct ChainEntry {
    std::string subject;
    std::string issuer;
    std::string serial;      // uppercase hex
    std::string sha256;      // lowercase hex of the DER encoding
    std::string not_before;  // RFC 3339 UTC, "" when undecodable
    std::string not_after;
};

struct VerifyResult {
    bool valid = false;
    int error_code = 0;   // X509_V_OK when valid; otherwise an X509_V_ERR_* code
    std::string reason;   // why not valid; empty when valid
    int error_depth = -1; // position in `chain` of the certificate at fault; -1 when valid
    std::optional<std::string> error_subject;  // none when the path as a whole fails (policies)
    std::vector<ChainEntry> chain;  // leaf first, as far as it could be built
    int64_t checked_at = 0;
};

// Reads the files: the first certificate of `leaf_path` is the leaf and any
// certificates after it join the untrusted ones (so a chain file such as
// sign-csr's --chain-out works as --cert). Exit 2 naming the file when one
// cannot be read or holds nothing usable, and when `trust_paths` is empty.
VerifyMaterial load_material(const std::string& leaf_path, const std::vector<std::string>& untrusted_paths,
                             const std::vector<std::string>& trust_paths, const std::vector<std::string>& crl_paths);

// Runs the validation. A "no" is a result, not an exception; exceptions
// mean bad input (exit 2, e.g. a malformed policy OID) or an OpenSSL failure.
VerifyResult verify_path(const VerifyMaterial& material, const VerifyParams& params);

// The reason given when the leaf does not carry the requested device ID.
inline constexpr const char* device_id_mismatch = "device ID mismatch";

// True when `cert` names the device: a SAN URI urn:dev:serial:ID (as
// cert sign-csr writes it) or a subject CN equal to ID.
bool carries_device_id(const X509* cert, const std::string& device_id);

// Dotted policy OIDs as an OpenSSL stack; {anyPolicy} for an empty list.
// Exit 2 naming --policy on text that is not a dotted OID.
util::Asn1ObjectStack policy_oids(const std::vector<std::string>& oids);

ChainEntry describe(const X509* cert);

}  // namespace pki
