#pragma once
// CA operations as library calls: the commands and the ceremony runner both
// use these, so a ceremony step and the equivalent command do the same thing.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pki/key.hpp"
#include "pki/signing_key.hpp"
#include "util/ossl.hpp"
#include "util/time.hpp"

namespace pki {

struct ValidityRequest {
    std::optional<int> days;              // from now
    std::optional<int64_t> not_before;    // explicit window
    std::optional<int64_t> not_after;
};
struct Window {
    int64_t not_before = 0;
    int64_t not_after = 0;
};
// Turns --days or --not-before/--not-after into a window; exit 2 when both or
// neither is given, or the window is empty. `default_days` applies when nothing is.
Window resolve_validity(const ValidityRequest& req, const util::Clock& clock, std::optional<int> default_days);

struct NameConstraints {
    std::vector<std::string> permit_dns;
    std::vector<std::string> exclude_dns;
    std::vector<std::string> permit_dn;
    std::vector<std::string> exclude_dn;
    bool empty() const { return permit_dns.empty() && exclude_dns.empty() && permit_dn.empty() && exclude_dn.empty(); }
};

// Where a CA's outputs go and how they are written.
struct Outputs {
    std::string cert_path;          // PEM certificate
    std::string chain_path;         // optional: certificate followed by its issuer chain
    bool overwrite = false;         // --force
};

// Called between the steps of init_root and issue_intermediate, so a ceremony
// can show each step, ask the operator before the irreversible ones and log
// what happened. A hook may throw to stop: nothing has been written by then
// and a new key is discarded. Unset hooks are skipped (the commands set none).
struct StepHooks {
    std::function<void(const X509* issuer_cert, const SigningKey& issuer_key)> issuer_opened;
    std::function<void()> before_key_generation;
    std::function<void(const SigningKey& new_key)> key_generated;
    std::function<void()> before_signing;
    std::function<void(const X509* cert)> signed_cert;  // before any output is written
};

struct RootRequest {
    std::string subject;
    std::string key_ref;            // file:PATH or pkcs11: URI where the new key is made
    KeyType key_type = KeyType::ec_p256;
    KeyAccess key_access;
    std::optional<int> path_len;
    Window validity;
    Outputs out;
    const StepHooks* hooks = nullptr;
};

struct IntermediateRequest {
    std::string subject;            // ignored with csr_path unless set (then it overrides the CSR's)
    std::string key_ref;            // new key here, or empty with csr_path
    std::string csr_path;           // key made elsewhere
    KeyType key_type = KeyType::ec_p256;
    KeyAccess key_access;
    std::string issuer_cert_path;
    std::string issuer_key_ref;
    KeyAccess issuer_access;
    int path_len = 0;
    std::vector<std::string> ext_key_usage;   // "clientAuth", "serverAuth", ... or dotted OIDs
    NameConstraints name_constraints;
    std::vector<std::string> crl_urls;
    std::vector<std::string> ocsp_urls;
    std::vector<std::string> ca_issuers_urls;
    Window validity;
    Outputs out;
    const StepHooks* hooks = nullptr;
};

enum class LeafProfile { device, server };
LeafProfile parse_profile(const std::string& text);

struct LeafRequest {
    std::string csr_path;
    LeafProfile profile = LeafProfile::device;
    std::string device_id;                    // device profile: CN and SAN
    std::vector<std::string> dns_names;       // server profile SANs (device profile: extra DNS SANs)
    std::string subject;                      // optional override of the CSR subject
    std::string issuer_cert_path;
    std::string issuer_key_ref;
    KeyAccess issuer_access;
    std::string chain_path;                   // certificates above the issuer, to write with --chain-out
    Window validity;
    bool clip_validity = false;
    Outputs out;
};

struct Issued {
    util::X509Ptr cert;
    std::string cert_path;
    std::string chain_path;
    std::string key_ref;          // where the subject key lives ("" for CSR-based issuance)
    std::string sha256;           // fingerprint of the certificate DER
    std::vector<std::string> warnings;  // e.g. validity clipped
};

Issued init_root(const RootRequest& req);
Issued issue_intermediate(const IntermediateRequest& req);
Issued sign_csr(const LeafRequest& req);

}  // namespace pki
