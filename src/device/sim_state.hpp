#pragma once
// What the simulated board keeps across power cycles: its identity, lifecycle
// and the secure element's key slots, in one JSON file that stands in for the
// SE's flash (private keys as PEM inside it, mode 0600). Every change is saved
// atomically (temp file, fsync, rename) before the device answers.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace device {

inline constexpr int kSimSlots = 4;

struct RetiredKey {
    std::string key_pem;   // PKCS#8 PEM of the key a rotation replaced
    std::string cert_pem;  // the certificate it had then ("" when none)
};

struct SlotState {
    std::string key_pem;    // "" = empty slot
    std::string cert_pem;   // "" = no certificate
    std::string chain_pem;  // issuer certificates above cert_pem, PEM, "" when none
    bool rotated = false;   // key made by an authorised rotate, no certificate written since
    std::vector<RetiredKey> retired;
};

struct SimState {
    std::string hw_uid;     // lowercase hex
    std::string se_serial;  // lowercase hex
    std::optional<std::string> device_id;
    bool provisioned = false;
    bool debug_locked = false;
    std::array<SlotState, kSimSlots> slots;

    nlohmann::json to_json() const;
    // Exit 2 naming `origin` when the document is not a simulator state.
    static SimState from_json(const nlohmann::json& doc, const std::string& origin);
};

// Loads `path`, or creates it (hw_uid from `hw_uid` or 8 random bytes, a
// random SE serial) when it does not exist. A given hw_uid that differs from
// the file's is refused (exit 2): one state file is one board.
SimState load_or_create_state(const std::string& path, const std::optional<std::string>& hw_uid);
void save_state(const std::string& path, const SimState& state);

// `n` random bytes as lowercase hex.
std::string random_hex(size_t n);

}  // namespace device
