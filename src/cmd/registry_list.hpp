#pragma once
#include <string>

#include "cmd/registry_options.hpp"

namespace cmd {

struct RegistryListOptions {
    RegistryOptions registry;
    std::string state;
    std::string batch;
    std::string sku;
    int64_t limit = 0;
};

void run_registry_list(const RegistryListOptions& options, Context& ctx);

}  // namespace cmd
