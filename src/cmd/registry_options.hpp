#pragma once
// What every `provctl registry` command shares: which registry, and who is
// acting (recorded in audit entries), plus the JSON shapes of its records.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "registry/registry.hpp"

namespace cmd {

struct RegistryOptions {
    std::string url;  // --registry, else $PROVCTL_REGISTRY, else sqlite:provctl.db
    std::string operator_name;
    std::string station;

    std::unique_ptr<registry::Registry> open(const Context& ctx) const;
    // --operator else $USER, --station else the host name.
    registry::Actor actor() const;
};

// --registry, --operator, --station.
void add_registry_options(CLI::App& sub, RegistryOptions& o);

nlohmann::json device_json(const registry::Device& d);
nlohmann::json certificate_json(const registry::Certificate& c, bool with_pem);
nlohmann::json audit_json(const registry::AuditEntry& e);

}  // namespace cmd
