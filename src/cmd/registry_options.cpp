#include "cmd/registry_options.hpp"

#include <cstdlib>
#include <unistd.h>

namespace cmd {

namespace {

nlohmann::json time_or_null(const std::optional<int64_t>& t) {
    return t ? nlohmann::json(util::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

}  // namespace

std::unique_ptr<registry::Registry> RegistryOptions::open(const Context& ctx) const {
    std::string u = registry::default_url(url);
    ctx.debug("registry " + registry::redact_url(u));
    return registry::open_registry(u, *ctx.clock);
}

registry::Actor RegistryOptions::actor() const {
    registry::Actor a{operator_name, station};
    if (a.operator_name.empty()) {
        const char* user = std::getenv("USER");
        a.operator_name = user != nullptr && *user != '\0' ? user : "unknown";
    }
    if (a.station.empty()) {
        char host[256] = {};
        a.station = ::gethostname(host, sizeof host - 1) == 0 ? host : "unknown";
    }
    return a;
}

void add_registry_options(CLI::App& sub, RegistryOptions& o) {
    sub.add_option("--registry", o.url,
                   "Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)");
    sub.add_option("--operator", o.operator_name, "Operator recorded in audit entries (default: $USER)");
    sub.add_option("--station", o.station, "Station recorded in audit entries (default: the host name)");
}

nlohmann::json device_json(const registry::Device& d) {
    return {
        {"device_id", d.device_id},
        {"hardware_uid", d.hardware_uid},
        {"sku", d.sku},
        {"hw_revision", d.hw_revision},
        {"batch", d.batch},
        {"state", registry::to_string(d.state)},
        {"prior_state", d.prior_state ? nlohmann::json(registry::to_string(*d.prior_state)) : nlohmann::json(nullptr)},
        {"rma_count", d.rma_count},
        {"spec_version", d.spec_version},
        {"station", d.station},
        {"operator", d.operator_name},
        {"created_at", util::format_rfc3339(d.created_at)},
        {"updated_at", util::format_rfc3339(d.updated_at)},
    };
}

nlohmann::json certificate_json(const registry::Certificate& c, bool with_pem) {
    nlohmann::json j = {
        {"issuer", c.issuer},
        {"serial", c.serial},
        {"sha256", c.fingerprint},
        {"device_id", c.device_id},
        {"not_before", util::format_rfc3339(c.not_before)},
        {"not_after", util::format_rfc3339(c.not_after)},
        {"status", registry::to_string(c.status)},
        {"revoked_at", time_or_null(c.revoked_at)},
        {"revocation_reason", c.revoked_at ? nlohmann::json(c.revocation_reason) : nlohmann::json(nullptr)},
    };
    if (with_pem) j["pem"] = c.pem;
    return j;
}

nlohmann::json audit_json(const registry::AuditEntry& e) {
    auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    return {
        {"seq", e.seq},
        {"time", util::format_rfc3339(e.time)},
        {"operator", e.operator_name},
        {"station", e.station},
        {"action", e.action},
        {"device_id", e.device_id},
        {"serial", opt(e.serial)},
        {"sha256", opt(e.fingerprint)},
        {"detail", e.detail},
        {"prev_hash", e.prev_hash},
        {"entry_hash", e.entry_hash},
    };
}

}  // namespace cmd
