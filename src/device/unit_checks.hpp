#pragma once
// What provision, verify and reprovision share: the checks a station makes
// of a unit's answers, and the retry budget each step runs under.
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "device/client.hpp"
#include "device/station.hpp"
#include "registry/registry.hpp"
#include "util/ossl.hpp"

namespace device {

// A check of the device's answer said no. `retry`: worth asking again (a
// garbled write, a bad signature); otherwise the unit stops at once (a
// device ID that disagrees with the barcode).
class StepFailed : public std::runtime_error {
public:
    StepFailed(const std::string& message, bool retry) : std::runtime_error(message), retry_(retry) {}
    bool retry() const { return retry_; }

private:
    bool retry_;
};

// The unit stops here: quarantine (a check or the device said no, budget
// spent) or failure (the port or the registry is gone; the unit stays resumable).
class UnitStopped : public std::runtime_error {
public:
    UnitStopped(Outcome outcome, std::string step, const std::string& reason)
        : std::runtime_error(reason), outcome_(outcome), step_(std::move(step)) {}
    Outcome outcome() const { return outcome_; }
    const std::string& step() const { return step_; }

private:
    Outcome outcome_;
    std::string step_;
};

// Runs `fn` up to `tries` times with exponential backoff and jitter.
// Timeouts, busy/internal answers, malformed answers and retryable check
// failures are tried again; anything else, or the last failure, throws
// UnitStopped naming `step`. `retries` counts the extra attempts.
void with_retries(const std::string& step, int tries, std::chrono::milliseconds backoff, int& retries,
                  const std::function<void()>& fn);

util::X509Ptr parse_cert_pem(const std::string& pem, const std::string& what);
std::vector<util::X509Ptr> parse_chain_pem(const std::string& pem, const std::string& what);
std::string der_of(const X509* cert);
std::string pem_of_der(const std::string& der);

// Sends a fresh challenge and checks the signature with `cert`'s key and the
// device ID in the answer. Throws StepFailed.
void prove_possession(Client& client, int slot, const X509* cert, const std::string& device_id);

// Path validation of `leaf` to `anchors` at `at`, client purpose, device ID
// in the certificate. nullopt when valid; otherwise why not.
std::optional<std::string> chain_problem(const X509* leaf, const std::vector<const X509*>& untrusted,
                                         const std::vector<const X509*>& anchors, int64_t at,
                                         const std::string& device_id);

// The unit's certificate in its result: serial, fingerprint, not_after.
void note_certificate(UnitResult& result, const X509* cert);

// The registry row of a certificate issued to `device_id`.
registry::NewCertificate certificate_row(const std::string& device_id, const std::string& issuer_text, const X509* cert);

// write_certs with `chain_pem`, the answer's digest checked, then read_certs
// and the certificate read back compared. A `locked` answer (written and
// finalized by a run that stopped) leaves the decision to the read-back.
// Returns what the device holds. Throws StepFailed or DeviceFailure.
StoredCerts store_certificate(Client& client, int slot, const X509* cert, const std::string& chain_pem);

// Checks a CSR's PEM: readable, self-signature valid, key strong enough, and
// (when `expected_spki` is set) the same key. Returns the key's DER
// SubjectPublicKeyInfo. Throws StepFailed.
std::string checked_csr_key(const std::string& pem, const std::string& expected_spki);

}  // namespace device
