// provctl cloud aws register: devices from the registry into AWS IoT.


#include "cloud/aws_register.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"
#include "pki/cert_io.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AwsOptions aws;
    bool with_ca = false;
    bool without_ca = false;
    std::string ca_cert;
    std::string policy;
    std::string thing_type;
    std::string thing_group;
    std::string attributes;
};

void run(const Options& o, Context& ctx) {
    if (o.with_ca && o.without_ca) util::fail_input("--with-ca and --without-ca: give one of them");
    if (o.without_ca && !o.ca_cert.empty()) util::fail_input("--without-ca takes no --ca-cert");
    if (!o.without_ca && o.ca_cert.empty())
        util::fail_input("--ca-cert FILE is required with --with-ca (the CA registered by register-ca); or use --without-ca");
    cloud::AwsRegisterPlan plan;
    if (!o.ca_cert.empty()) plan.ca_pem = pki::cert_pem(pki::read_certificate(o.ca_cert).get());
    if (!o.policy.empty()) cloud::check_path_name(o.policy, "--policy");
    if (!o.thing_type.empty()) cloud::check_path_name(o.thing_type, "--thing-type");
    if (!o.thing_group.empty()) cloud::check_path_name(o.thing_group, "--thing-group");
    plan.policy = o.policy;
    plan.thing_type = o.thing_type;
    plan.thing_group = o.thing_group;
    plan.attributes = cloud::parse_attributes(o.attributes);
    plan.actor = o.run.registry.actor();
    for (const auto& id : o.run.devices) cloud::check_path_name(id, "--device");

    auto reg = o.run.registry.open(ctx);
    auto targets = cloud::load_targets(*reg, o.run.devices, o.run.batch);
    CloudSession s = open_aws_session(o.aws, o.run, ctx);
    plan.scope = s.scope;
    cloud::AwsIot iot(*s.caller, s.endpoint);
    registry::SharedRegistry shared(*reg);

    auto work = cloud::per_device(
        targets.size(), [&](size_t i) { return cloud::aws_register_device(iot, shared, targets[i], plan); },
        [&](size_t i, const std::string& why) {
            return cloud::failed_result(targets[i].device.device_id, "aws", s.scope, targets[i].cert.fingerprint, why);
        });
    run_and_report("register", "aws", work, s, o.run.jobs, ctx);
}

}  // namespace

void register_cloud_aws_register(CLI::App& aws, Context& ctx) {
    auto o = std::make_shared<Options>();
    auto* sub = aws.add_subcommand("register", "Register devices' certificates and things with AWS IoT");
    add_cloud_run_options(*sub, o->run, true);
    add_aws_options(*sub, o->aws);
    sub->add_flag("--with-ca", o->with_ca, "RegisterCertificate under the CA given by --ca-cert (the default)");
    sub->add_flag("--without-ca", o->without_ca, "RegisterCertificateWithoutCA (multi-account registration)");
    sub->add_option("--ca-cert", o->ca_cert, "The CA certificate registered with register-ca")->type_name("FILE");
    sub->add_option("--policy", o->policy, "AWS IoT policy to attach to each certificate")->type_name("NAME");
    sub->add_option("--thing-type", o->thing_type, "Thing type of each new thing")->type_name("NAME");
    sub->add_option("--thing-group", o->thing_group, "Thing group to add each thing to")->type_name("NAME");
    sub->add_option("--attributes", o->attributes, "Thing attributes k=v,... (over sku, hw_revision, batch)")
        ->type_name("K=V,...");
    sub->footer(help_footer(
        "  provctl cloud aws register --batch B-2026-11 --ca-cert int.crt --policy DevicePolicy \\\n"
        "      --thing-group line-1 --registry sqlite:registry.db --rate 5/s --jobs 8\n"
        "  provctl cloud aws register --device SN-00000001W --without-ca --dry-run\n",
        kCloudExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
