#pragma once
// A provisioning station's work on one unit, over the device protocol
// (docs/device-protocol.md). Per unit the host walks
//   UNPROVISIONED -> BOOTSTRAP -> ENROLL -> CREDENTIAL_STORE -> REGISTER -> VERIFY -> PROVISIONED
// and stores the unit's progress in the registry after each step, so a
// station that loses power resumes every unit where it stopped. A step that
// keeps failing after its retry budget puts the unit in QUARANTINE with the
// reason. Every step may be repeated: a unit that already holds a key and a
// certificate for it gets that certificate again, never a second identity.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "device/client.hpp"
#include "pki/device_template.hpp"
#include "registry/registry.hpp"
#include "registry/shared.hpp"
#include "util/ossl.hpp"

namespace device {

enum class Step { unprovisioned, bootstrap, enroll, credential_store, register_unit, verify, provisioned, quarantine };
const char* step_name(Step s);
std::optional<Step> parse_step(const std::string& name);

using registry::SharedRegistry;

// What signs device certificates and what they are checked against.
struct Issuing {
    const pki::DeviceCertTemplate* tmpl = nullptr;
    EVP_PKEY* issuer_key = nullptr;          // signs rotate authorizations
    const X509* issuer = nullptr;
    std::string chain_pem;                   // written to the device: the issuer and the certificates above it
    std::vector<const X509*> untrusted;      // the same, for path checks
    std::vector<const X509*> anchors;        // --trust
};

struct StationConfig {
    int slot = 0;
    std::string key_type = "ec-p256";
    bool lock_debug = true;
    bool self_test = false;
    int64_t self_test_timeout_ms = 30'000;
    std::string fw_version;   // expected; "" = not checked
    std::string fw_sha256;    // expected; "" = not checked
    std::string hw_revision;  // expected and recorded
    std::string sku, batch, job, spec_version;
    std::string id_template;  // allocate IDs from it for units that have none
    int64_t id_first = 1;
    int tries = 3;
    std::chrono::milliseconds backoff{200};
    bool requeue = false;     // try quarantined units again
    registry::Actor actor;
};

struct UnitPlan {
    std::string port;
    std::string device_id;  // assign this ID (the device must have none or this one)
    std::string expect_id;  // the scanned barcode: the device must already report it
};

enum class Outcome { provisioned, already_provisioned, verified, refurbished, quarantined, failed };
const char* outcome_name(Outcome o);

struct Check {
    std::string name;
    bool ok = false;
    std::string detail;
};

struct UnitResult {
    std::string port;
    std::string device_id;
    std::string hw_uid;
    Outcome outcome = Outcome::failed;
    std::string step;         // the last step reached
    std::string failed_step;  // where it stopped, when it did
    std::string reason;       // one sentence, when it did
    std::string resumed_from; // the step a previous run had completed, when resumed
    std::string serial;       // the unit's certificate
    std::string fingerprint;
    int64_t not_after = 0;
    std::string old_serial;   // reprovision: the certificate it replaced
    std::vector<Check> checks;
    int retries = 0;
    double seconds = 0;
};

// Called as each step starts (for live tables).
using StepObserver = std::function<void(const std::string& step)>;

UnitResult provision_unit(Client& client, const UnitPlan& plan, const StationConfig& config, const Issuing& issuing,
                          SharedRegistry& registry, const util::Clock& clock, const StepObserver& observe);

struct VerifyConfig {
    int slot = 0;
    bool require_debug_lock = true;
    std::vector<const X509*> anchors;
    std::vector<const X509*> untrusted;  // besides the chain the device stores
};

// hello, read_certs, the chain to the anchors, a challenge answered with the
// certificate's key, the debug lock and (with a registry) agreement with the
// device's row and active certificate. Outcome verified or failed, with
// every check listed.
UnitResult verify_unit(Client& client, const std::string& port, const VerifyConfig& config, SharedRegistry* registry,
                       const util::Clock& clock);

struct RmaPlan {
    std::string port;
    std::string reason = "rma";
    // Shown the unit before anything changes; false stops (no change made).
    std::function<bool(const UnitResult& unit, const registry::Device& row)> confirm;
};

// The returned-unit flow: prove the current identity, rotate the key under
// the issuing CA's authorization, issue, write and verify the new
// certificate, and in one registry transaction supersede and revoke the old
// one and move the device to refurbished.
UnitResult reprovision_unit(Client& client, const RmaPlan& plan, const StationConfig& config, const Issuing& issuing,
                            SharedRegistry& registry, const util::Clock& clock, const StepObserver& observe);

}  // namespace device
