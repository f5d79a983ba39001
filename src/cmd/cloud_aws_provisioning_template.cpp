// provctl cloud aws provisioning-template create: a JITP or fleet
// provisioning template (POST /provisioning-templates).
#include "cloud/aws_iot.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AwsOptions aws;
    std::string name;
    std::string type = "FLEET_PROVISIONING";
    std::string template_body;
    std::string role_arn;
};

void run(const Options& o, Context& ctx) {
    cloud::check_path_name(o.name, "--name");
    if (o.type != "JITP" && o.type != "FLEET_PROVISIONING")
        util::fail_input("--type '" + o.type + "': use JITP or FLEET_PROVISIONING");
    std::string text = read_json_object_file(o.template_body, "--template-body");
    if (!nlohmann::json::parse(text).contains("Resources"))
        util::fail_input("--template-body " + o.template_body + ": no \"Resources\" section, so it would provision nothing");

    CloudSession s = open_aws_session(o.aws, o.run, ctx);
    cloud::AwsIot iot(*s.caller, s.endpoint);
    cloud::Outcome r = iot.create_provisioning_template(o.name, o.type, text, o.role_arn);
    if (s.dry_run) {
        report_cloud_run("provisioning-template", s, "aws", {}, 0, ctx);
        return;
    }
    if (!r.ok()) {
        if (r.status == 409)
            util::fail_op("CreateProvisioningTemplate: a template named " + o.name + " already exists in " + s.scope +
                          " (" + r.message + ")");
        util::fail_op("CreateProvisioningTemplate: " + r.describe());
    }
    nlohmann::json out = {{"schema", "provctl.cloud.aws.provisioning-template/v1"},
                          {"region", s.scope},
                          {"name", r.field("templateName").empty() ? o.name : r.field("templateName")},
                          {"type", o.type},
                          {"template_arn", r.field("templateArn")},
                          {"default_version_id", r.body.is_object() ? r.body.value("defaultVersionId", nlohmann::json(nullptr))
                                                                    : nlohmann::json(nullptr)}};
    emit_json_unless_terminal(out, [&](std::ostream& os) { os << "created " << out["template_arn"].get<std::string>() << '\n'; },
                              ctx);
}

}  // namespace

void register_cloud_aws_provisioning_template(CLI::App& aws, Context& ctx) {
    auto* group = aws.add_subcommand("provisioning-template", "AWS IoT provisioning templates (JITP, fleet provisioning)");
    group->require_subcommand(1);
    auto o = std::make_shared<Options>();
    auto* sub = group->add_subcommand("create", "Create a provisioning template");
    sub->add_option("--name", o->name, "Template name")->required();
    sub->add_option("--type", o->type, "JITP or FLEET_PROVISIONING")->capture_default_str();
    sub->add_option("--template-body", o->template_body, "The template (JSON)")->required()->type_name("FILE");
    sub->add_option("--role-arn", o->role_arn, "Role AWS IoT assumes to provision devices")->required();
    add_cloud_run_options(*sub, o->run, false, false);
    add_aws_options(*sub, o->aws);
    sub->footer(help_footer(
        "  provctl cloud aws provisioning-template create --name factory-fleet --type FLEET_PROVISIONING \\\n"
        "      --template-body fleet.json --role-arn arn:aws:iam::123456789012:role/ProvisioningRole\n",
        kCloudSingleExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
