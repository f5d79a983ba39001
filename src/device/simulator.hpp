#pragma once
// The device side of docs/device-protocol.md, without any transport: one
// request line in, the lines a board with a secure element would print out.
// `provctl device simulate` puts it behind a pseudo-terminal; tests call it
// directly.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "device/sim_faults.hpp"
#include "device/sim_state.hpp"

namespace device {

struct SimConfig {
    std::string fw_version = "1.4.2";
    std::string hw_rev = "B";
    unsigned keygen_ms = 0;  // sleep in gen_key and rotate
    unsigned sign_ms = 0;    // sleep in get_csr and sign_challenge
    std::vector<FaultSpec> faults;
};

// What one request line makes the board print: zero or more lines (without
// their "\n"), and whether it rebooted meanwhile (the transport then drops
// whatever it had received and not yet handed over).
struct SimOutput {
    std::vector<std::string> lines;
    bool reset = false;
};

class Simulator {
public:
    // Loads or creates the state file (see load_or_create_state).
    Simulator(std::string state_path, SimConfig config, const std::optional<std::string>& hw_uid = std::nullopt);

    SimOutput handle(const std::string& line);

    // "BOOT fw=1.4.2 reset-cause=power-on": what the board prints as it starts.
    std::string boot_banner(const std::string& cause) const;

    const SimState& state() const { return state_; }
    const SimConfig& config() const { return config_; }

private:
    nlohmann::json run(const std::string& cmd, const nlohmann::json& args);
    nlohmann::json hello();
    nlohmann::json set_device_id(const nlohmann::json& args);
    nlohmann::json gen_key(const nlohmann::json& args);
    nlohmann::json get_csr(const nlohmann::json& args);
    nlohmann::json write_certs(const nlohmann::json& args);
    nlohmann::json read_certs(const nlohmann::json& args);
    nlohmann::json sign_challenge(const nlohmann::json& args);
    nlohmann::json finalize(const nlohmann::json& args);
    nlohmann::json begin_rotate(const nlohmann::json& args);
    nlohmann::json rotate(const nlohmann::json& args);
    nlohmann::json self_test(const nlohmann::json& args);
    std::vector<std::string> noise_lines(int64_t id) const;
    void save();

    std::string state_path_;
    SimConfig config_;
    FaultPlan faults_;
    SimState state_;
    // RAM only: lost on reset and restart.
    std::array<std::optional<std::string>, kSimSlots> nonces_;
};

}  // namespace device
