#pragma once
#include <string>

#include "cmd/registry_options.hpp"

namespace cmd {

struct RegistryShowOptions {
    RegistryOptions registry;
    std::string device_id;
};

void run_registry_show(const RegistryShowOptions& options, Context& ctx);

}  // namespace cmd
