#pragma once
#include <string>

#include "cmd/registry_options.hpp"

namespace cmd {

struct RegistrySetStateOptions {
    RegistryOptions registry;
    std::string device_id;
    std::string state;
    std::string reason;
};

void run_registry_set_state(const RegistrySetStateOptions& options, Context& ctx);

}  // namespace cmd
