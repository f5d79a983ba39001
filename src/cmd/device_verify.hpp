#pragma once
#include <CLI/CLI.hpp>

#include "cmd/context.hpp"
#include "cmd/device_options.hpp"

namespace cmd {

struct DeviceVerifyOptions {
    PortOptions ports;
    std::vector<std::string> trust;
    std::vector<std::string> untrusted;
    RegistryOptions registry;
    bool no_registry = false;
    int slot = 0;
    bool allow_debug = false;
};

void register_device_verify(CLI::App& device, Context& ctx);
void run_device_verify(const DeviceVerifyOptions& o, Context& ctx);

struct DeviceInfoOptions {
    PortOptions ports;
    int slot = 0;
};

void register_device_info(CLI::App& device, Context& ctx);
void run_device_info(const DeviceInfoOptions& o, Context& ctx);

}  // namespace cmd
