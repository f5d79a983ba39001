#pragma once
#include <string>

#include "cmd/registry_options.hpp"

namespace cmd {

struct RegistryExportOptions {
    RegistryOptions registry;
    std::string format = "csv";
    std::string out;
    bool force = false;
};

void run_registry_export(const RegistryExportOptions& options, Context& ctx);

// The whole export as text: CSV (header + one row per device) or JSON Lines.
std::string render_export(registry::Registry& reg, const std::string& format);

}  // namespace cmd
