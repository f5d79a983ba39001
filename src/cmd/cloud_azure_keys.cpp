// provctl cloud azure sas-token / derive-key: the two Azure computations a
// script needs by themselves. The keys come from env:, file: or a prompt;
// the token and derived keys are the output (they are meant to be used).
#include "cmd/cloud_azure_keys.hpp"

#include <ostream>

#include "cloud/sas.hpp"
#include "cmd/cloud.hpp"
#include "cmd/commands.hpp"
#include "util/duration.hpp"
#include "util/secret.hpp"

namespace cmd {

void run_cloud_azure_sas_token(const CloudAzureSasTokenOptions& o, Context& ctx) {
    if (o.resource.empty()) util::fail_input("--resource is required, e.g. acme-dps.azure-devices-provisioning.net");
    int64_t ttl = util::parse_duration_arg(o.ttl, "--ttl");
    util::Secret key = util::resolve_secret(o.key, "shared access key");
    int64_t expiry = ctx.clock->now() + ttl;
    cloud::SasToken t = cloud::make_sas_token(o.resource, key.value(), o.policy, expiry);
    nlohmann::json doc = {{"schema", "provctl.cloud.azure.sas-token/v1"},
                          {"resource", o.resource},
                          {"policy", o.policy.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.policy)},
                          {"expires", util::format_rfc3339(expiry)},
                          {"token", t.token}};
    ctx.emit(doc, [&](std::ostream& out) { out << t.token << '\n'; });
}

void run_cloud_azure_derive_key(const CloudAzureDeriveKeyOptions& o, Context& ctx) {
    if (o.registration_ids.empty()) util::fail_input("--registration-id is required (repeatable)");
    for (const auto& id : o.registration_ids)
        if (id.empty() || id.size() > 128) util::fail_input("--registration-id '" + id + "': 1 to 128 characters");
    util::Secret group = util::resolve_secret(o.group_key, "enrollment group key");
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& id : o.registration_ids)
        keys.push_back({{"registration_id", id}, {"device_key", cloud::derive_device_key(group.value(), id)}});
    ctx.emit({{"schema", "provctl.cloud.azure.derive-key/v1"}, {"keys", keys}}, [&](std::ostream& out) {
        for (const auto& k : keys)
            out << k["registration_id"].get<std::string>() << ' ' << k["device_key"].get<std::string>() << '\n';
    });
}

void register_cloud_azure_sas_token(CLI::App& azure, Context& ctx) {
    auto o = std::make_shared<CloudAzureSasTokenOptions>();
    auto* sub = azure.add_subcommand("sas-token", "Make a SharedAccessSignature token for a resource");
    sub->add_option("--resource", o->resource, "Resource URI, e.g. acme-dps.azure-devices-provisioning.net")->required();
    sub->add_option("--key", o->key, "Shared access key: env:NAME or file:PATH (default: prompt)");
    sub->add_option("--policy", o->policy, "Policy name (skn), e.g. provisioningserviceowner");
    sub->add_option("--ttl", o->ttl, "How long the token lasts, e.g. 1h or 7d")->capture_default_str();
    sub->footer(help_footer(
        "  provctl cloud azure sas-token --resource acme-dps.azure-devices-provisioning.net \\\n"
        "      --key env:DPS_KEY --policy provisioningserviceowner --ttl 1h\n"));
    sub->callback([o, &ctx] { run_cloud_azure_sas_token(*o, ctx); });
}

void register_cloud_azure_derive_key(CLI::App& azure, Context& ctx) {
    auto o = std::make_shared<CloudAzureDeriveKeyOptions>();
    auto* sub = azure.add_subcommand("derive-key", "Device keys of a symmetric-key enrollment group");
    sub->add_option("--group-key", o->group_key, "The group's key: env:NAME or file:PATH (default: prompt)");
    sub->add_option("--registration-id", o->registration_ids, "Registration ID of a device (repeatable)")->required();
    sub->footer(help_footer(
        "  provctl cloud azure derive-key --group-key env:GROUP_KEY --registration-id SN-00000001W\n"));
    sub->callback([o, &ctx] { run_cloud_azure_derive_key(*o, ctx); });
}

}  // namespace cmd
