// provctl cloud aws deactivate: a revoked or retired device's certificate
// set INACTIVE or REVOKED in AWS IoT.


#include "cloud/aws_register.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AwsOptions aws;
    std::string status = "INACTIVE";
};

void run(const Options& o, Context& ctx) {
    if (o.run.devices.empty()) util::fail_input("--device ID is required (repeatable)");
    if (o.status != "INACTIVE" && o.status != "REVOKED")
        util::fail_input("--status '" + o.status + "': use INACTIVE or REVOKED");
    auto reg = o.run.registry.open(ctx);
    for (const auto& id : o.run.devices)
        if (!reg->device_exists(id)) util::fail_input("--device '" + id + "': not in the registry " + reg->display_url());
    CloudSession s = open_aws_session(o.aws, o.run, ctx);
    cloud::AwsIot iot(*s.caller, s.endpoint);
    registry::SharedRegistry shared(*reg);
    registry::Actor actor = o.run.registry.actor();
    // Checked before anything is sent: every device must have been registered here.
    for (const auto& id : o.run.devices)
        if (auto rec = reg->find_cloud_record(id, "aws", s.scope); !rec || rec->certificate_id.empty())
            util::fail_input("--device '" + id + "': no AWS IoT certificate recorded for " + s.scope +
                             " (register it first, or check --region)");
    auto work = cloud::per_device(
        o.run.devices.size(),
        [&](size_t i) { return cloud::aws_deactivate_device(iot, shared, o.run.devices[i], s.scope, o.status, actor); },
        [&](size_t i, const std::string& why) { return cloud::failed_result(o.run.devices[i], "aws", s.scope, "", why); });
    run_and_report("deactivate", "aws", work, s, o.run.jobs, ctx);
}

}  // namespace

void register_cloud_aws_deactivate(CLI::App& aws, Context& ctx) {
    auto o = std::make_shared<Options>();
    auto* sub = aws.add_subcommand("deactivate", "Set a revoked or retired device's certificate INACTIVE or REVOKED");
    sub->add_option("--device", o->run.devices, "Device ID (repeatable)")->type_name("ID")->required();
    sub->add_option("--status", o->status, "INACTIVE or REVOKED")->capture_default_str();
    add_cloud_run_options(*sub, o->run, false);
    add_aws_options(*sub, o->aws);
    sub->footer(help_footer("  provctl cloud aws deactivate --device SN-00000001W --status REVOKED --registry sqlite:registry.db\n",
                            kCloudExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
