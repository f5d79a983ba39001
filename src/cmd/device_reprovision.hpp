#pragma once
#include <CLI/CLI.hpp>

#include "cmd/context.hpp"
#include "cmd/device_options.hpp"

namespace cmd {

struct DeviceReprovisionOptions {
    PortOptions ports;
    IssuerOptions issuer;
    RegistryOptions registry;
    std::string reason;
    int slot = 0;
    bool no_lock_debug = false;
    int tries = 3;
    bool yes = false;
};

void register_device_reprovision(CLI::App& device, Context& ctx);
void run_device_reprovision(const DeviceReprovisionOptions& o, Context& ctx);

}  // namespace cmd
