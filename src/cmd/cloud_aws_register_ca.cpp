// provctl cloud aws register-ca: a CA into AWS IoT, proven with a
// verification certificate whose CN is the account's registration code.
#include "cloud/aws_iot.hpp"
#include "cloud/verification_cert.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"
#include "cmd/options.hpp"
#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "pki/signing_key.hpp"
#include "pki/name.hpp"
#include "util/ossl.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AwsOptions aws;
    std::string ca_cert;
    std::string ca_key;
    pki::KeyAccess ca_access;
    std::string jitp_template;
    std::string role_arn;
    bool set_active = false;
};

void run(const Options& o, Context& ctx) {
    if (!o.jitp_template.empty() && o.role_arn.empty())
        util::fail_input("--jitp-template needs --role-arn (the role AWS IoT assumes to provision)");
    if (o.jitp_template.empty() && !o.role_arn.empty()) util::fail_input("--role-arn is for --jitp-template");
    std::string template_body = o.jitp_template.empty() ? "" : read_json_object_file(o.jitp_template, "--jitp-template");
    util::X509Ptr ca = pki::read_certificate(o.ca_cert);
    auto key = pki::open_signing_key(o.ca_key, with_module(o.ca_access, ctx));
    for (const auto& w : key->warnings()) ctx.warn(w);
    if (!pki::same_public_key(X509_get0_pubkey(ca.get()), key->pkey()))
        util::fail_input("--ca-key " + key->describe() + " does not belong to --ca-cert " + o.ca_cert);
    std::string ca_pem = pki::cert_pem(ca.get());
    std::string ca_id = util::cert_sha256_hex(ca.get());

    CloudSession s = open_aws_session(o.aws, o.run, ctx);
    cloud::AwsIot iot(*s.caller, s.endpoint);
    cloud::Outcome code = iot.get_registration_code();
    if (!code.ok()) util::fail_op("GetRegistrationCode: " + code.describe());
    std::string registration_code = code.field("registrationCode");
    if (s.dry_run) registration_code = "REGISTRATION-CODE";
    if (registration_code.empty()) util::fail_op("GetRegistrationCode: the answer has no registrationCode");
    std::string verification = cloud::make_verification_certificate(ca.get(), key->pkey(), registration_code, *ctx.clock);
    cloud::Outcome r = iot.register_ca_certificate(ca_pem, verification, o.set_active, template_body, o.role_arn);
    if (s.dry_run) {
        report_cloud_run("register-ca", s, "aws", {}, 0, ctx);
        return;
    }
    std::string status = "registered";
    std::string arn = r.field("certificateArn");
    std::string id = r.field("certificateId");
    if (!r.ok()) {
        // The same CA already there (AWS names it by its DER's SHA-256) is done; anything else is the provider's word.
        if (r.status == 409 && r.error_type == "ResourceAlreadyExistsException" && r.field("resourceId") == ca_id) {
            status = "already-registered";
            id = ca_id;
            arn = r.field("resourceArn");
        } else {
            util::fail_op("RegisterCACertificate: " + r.describe());
        }
    }
    nlohmann::json doc = {{"schema", "provctl.cloud.aws.register-ca/v1"},
                          {"status", status},
                          {"region", s.scope},
                          {"certificate_id", id},
                          {"certificate_arn", arn},
                          {"subject", pki::format_name(X509_get_subject_name(ca.get()))},
                          {"active", o.set_active},
                          {"auto_registration", !template_body.empty()}};
    emit_json_unless_terminal(doc, [&](std::ostream& out) {
        out << (status == "registered" ? "registered " : "already registered ") << arn << '\n';
    }, ctx);
}

}  // namespace

void register_cloud_aws_register_ca(CLI::App& aws, Context& ctx) {
    auto o = std::make_shared<Options>();
    auto* sub = aws.add_subcommand("register-ca", "Register a CA certificate with AWS IoT (verification certificate made here)");
    sub->add_option("--ca-cert", o->ca_cert, "The CA certificate")->required()->type_name("FILE");
    sub->add_option("--ca-key", o->ca_key, "The CA's key: file:PATH or a pkcs11: URI")->required();
    add_key_access_options(*sub, o->ca_access, "ca-", "CA");
    sub->add_option("--jitp-template", o->jitp_template, "Provisioning template for just-in-time provisioning")
        ->type_name("FILE");
    sub->add_option("--role-arn", o->role_arn, "Role AWS IoT assumes for just-in-time provisioning");
    sub->add_flag("--set-active", o->set_active, "Register the CA as ACTIVE (default INACTIVE)");
    add_cloud_run_options(*sub, o->run, false, false);
    add_aws_options(*sub, o->aws);
    sub->footer(help_footer(
        "  provctl cloud aws register-ca --ca-cert int.crt --ca-key file:int.key --ca-passphrase env:CA_PASS \\\n"
        "      --set-active --jitp-template jitp.json --role-arn arn:aws:iam::123456789012:role/JITPRole\n",
        kCloudSingleExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
