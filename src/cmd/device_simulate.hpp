#pragma once
#include <string>
#include <vector>

#include "cmd/context.hpp"

namespace cmd {

struct DeviceSimulateOptions {
    std::string state;        // the board's flash (created on first use)
    std::string link;         // optional stable symlink to the pty slave
    std::string hw_uid;       // only when the state file is created ("" = random)
    std::string fw_version = "1.4.2";
    std::string hw_rev = "B";
    unsigned keygen_ms = 0;
    unsigned sign_ms = 0;
    unsigned baud = 115200;   // 0 = unpaced
    std::vector<std::string> faults;  // NAME[@CMD][:COUNT]
};

// Serves docs/device-protocol.md on a new pseudo-terminal until SIGTERM or
// SIGINT; prints the slave's path (or a provctl.device.simulate/v1 line) first.
void run_device_simulate(const DeviceSimulateOptions& options, Context& ctx);

}  // namespace cmd
