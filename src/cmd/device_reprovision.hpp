#pragma once
#include <CLI/CLI.hpp>

#include "cmd/cloud_options.hpp"
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
    // After the new identity: the old certificate REVOKED in AWS IoT (docs/cloud.md).
    bool aws_deactivate = false;
    AwsOptions aws;
};

void register_device_reprovision(CLI::App& device, Context& ctx);
void run_device_reprovision(const DeviceReprovisionOptions& o, Context& ctx);

}  // namespace cmd
