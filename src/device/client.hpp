#pragma once
// The host side of the device protocol (docs/device-protocol.md): one
// request at a time, each with its own deadline. Lines that are not a JSON
// object with an "id" (boot logs, debug prints) and answers carrying another
// id (stale ones, from a request that timed out) are skipped, never errors.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "device/line_channel.hpp"

namespace device {

// Why a request did not produce a result.
class DeviceFailure : public std::runtime_error {
public:
    enum class Kind {
        timeout,   // no answer before the deadline
        closed,    // the port went away
        refused,   // the device answered ok:false; code() holds its error code
        protocol,  // the answer was malformed or a field is missing
    };
    DeviceFailure(Kind kind, std::string code, const std::string& message)
        : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}
    Kind kind() const { return kind_; }
    const std::string& code() const { return code_; }

private:
    Kind kind_;
    std::string code_;
};

struct Hello {
    int protocol = 0;
    std::string fw_version;
    std::string fw_sha256;  // "" when the device does not report it
    std::string hw_rev;
    std::string hw_uid;
    std::string se_serial;
    std::optional<std::string> device_id;
    std::string lifecycle;  // "unprovisioned" or "provisioned"
    bool debug_locked = false;
};

struct ChallengeAnswer {
    std::string signature;  // DER ECDSA-Sig-Value
    std::string device_id;
};

struct Finalized {
    std::string lifecycle;
    bool debug_locked = false;
};

struct StoredCerts {
    std::string cert;   // PEM
    std::string chain;  // PEM
};

struct SelfTest {
    bool passed = false;
    std::string detail;
};

class Client {
public:
    // `ignored` sees every skipped line (for --verbose); may be empty.
    Client(LineChannel& channel, std::chrono::milliseconds timeout,
           std::function<void(const std::string&)> ignored = {});

    // The raw call: the "result" object of an ok answer.
    nlohmann::json call(const std::string& cmd, const nlohmann::json& args);

    Hello hello();
    void set_device_id(const std::string& id);
    std::string gen_key(int slot, const std::string& key_type);  // DER SubjectPublicKeyInfo
    std::string get_csr(int slot, const std::string& subject);   // PEM
    std::string write_certs(int slot, const std::string& cert_pem, const std::string& chain_pem);  // hex digest
    StoredCerts read_certs(int slot);
    ChallengeAnswer sign_challenge(int slot, const std::string& challenge);
    Finalized finalize(bool lock_debug);
    std::string begin_rotate(int slot);                                    // nonce bytes
    std::string rotate(int slot, const std::string& authorization_der);    // DER SubjectPublicKeyInfo
    SelfTest self_test(int64_t timeout_ms);

    void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
    std::chrono::milliseconds timeout() const { return timeout_; }

private:
    LineChannel& channel_;
    std::chrono::milliseconds timeout_;
    std::function<void(const std::string&)> ignored_;
    int64_t next_id_;
};

}  // namespace device
