#pragma once
#include <string>

#include "cmd/registry_options.hpp"

namespace cmd {

struct RegistryAuditOptions {
    RegistryOptions registry;
    std::string device_id;
    bool verify = false;
};

void run_registry_audit(const RegistryAuditOptions& options, Context& ctx);

}  // namespace cmd
