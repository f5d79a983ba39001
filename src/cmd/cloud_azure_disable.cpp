// provctl cloud azure disable: a revoked or retired device's enrollment set
// to provisioningStatus disabled.


#include "cloud/azure_enroll.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AzureOptions azure;
};

void run(const Options& o, Context& ctx) {
    if (o.run.devices.empty()) util::fail_input("--device ID is required (repeatable)");
    auto reg = o.run.registry.open(ctx);
    CloudSession s = open_azure_session(o.azure, o.run, ctx);
    for (const auto& id : o.run.devices)
        if (auto rec = reg->find_cloud_record(id, "azure", s.scope); !rec || rec->enrollment_id.empty())
            util::fail_input("--device '" + id + "': no DPS enrollment recorded for " + s.scope + " (enroll it first)");
    cloud::AzureDps dps(*s.caller, s.endpoint);
    registry::SharedRegistry shared(*reg);
    registry::Actor actor = o.run.registry.actor();
    auto work = cloud::per_device(
        o.run.devices.size(),
        [&](size_t i) { return cloud::azure_disable_device(dps, shared, o.run.devices[i], s.scope, actor); },
        [&](size_t i, const std::string& why) { return cloud::failed_result(o.run.devices[i], "azure", s.scope, "", why); });
    run_and_report("disable", "azure", work, s, o.run.jobs, ctx);
}

}  // namespace

void register_cloud_azure_disable(CLI::App& azure, Context& ctx) {
    auto o = std::make_shared<Options>();
    auto* sub = azure.add_subcommand("disable", "Disable a revoked or retired device's DPS enrollment");
    sub->add_option("--device", o->run.devices, "Device ID (repeatable)")->type_name("ID")->required();
    add_cloud_run_options(*sub, o->run, false);
    add_azure_options(*sub, o->azure);
    sub->footer(help_footer("  provctl cloud azure disable --device SN-00000001W --registry sqlite:registry.db\n", kCloudExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
