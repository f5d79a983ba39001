#pragma once
#include <CLI/CLI.hpp>

#include "cmd/context.hpp"
#include "cmd/device_options.hpp"

namespace cmd {

struct DeviceProvisionOptions {
    PortOptions ports;
    IssuerOptions issuer;
    RegistryOptions registry;
    std::string device_id;
    std::string expect_id;
    std::string id_template;
    int64_t id_first = 1;
    std::string job;
    int slot = 0;
    std::string key_type = "ec-p256";
    bool no_lock_debug = false;
    std::string sku, hw_revision, batch, fw_version, fw_sha256;
    bool self_test = false;          // from the job
    int64_t self_test_timeout_ms = 30'000;
    int tries = 3;
    std::string backoff = "200ms";
    bool requeue = false;
};

void register_device_provision(CLI::App& device, Context& ctx);
void run_device_provision(const DeviceProvisionOptions& o, Context& ctx);

}  // namespace cmd
