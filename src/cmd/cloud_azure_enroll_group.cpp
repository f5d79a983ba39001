// provctl cloud azure enroll-group: a DPS enrollment group, under a CA
// certificate (X.509) or with symmetric keys.
#include "cloud/azure_dps.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"
#include "pki/cert_io.hpp"
#include "util/ossl.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AzureOptions azure;
    std::string id;
    std::string ca_cert;
    bool symmetric_key = false;
    std::vector<std::string> iot_hubs;
    std::string allocation;
    std::string provisioning_status = "enabled";
};

void run(const Options& o, Context& ctx) {
    cloud::check_registration_id(o.id, "--id");
    if (o.ca_cert.empty() == !o.symmetric_key) util::fail_input("give one of --ca-cert FILE and --symmetric-key");
    check_dps_placement(o.allocation, o.provisioning_status, o.iot_hubs.size());
    nlohmann::json body = {{"enrollmentGroupId", o.id}, {"provisioningStatus", o.provisioning_status}};
    std::string fingerprint;
    if (!o.ca_cert.empty()) {
        util::X509Ptr ca = pki::read_certificate(o.ca_cert);
        fingerprint = util::cert_sha256_hex(ca.get());
        body["attestation"] = {{"type", "x509"},
                               {"x509", {{"signingCertificates", {{"primary", {{"certificate", pki::cert_pem(ca.get())}}}}}}}};
    } else {
        // DPS makes the group keys; they stay there (derive-key works from them).
        body["attestation"] = {{"type", "symmetricKey"}, {"symmetricKey", nlohmann::json::object()}};
    }
    if (!o.iot_hubs.empty()) body["iotHubs"] = o.iot_hubs;
    if (!o.allocation.empty()) body["allocationPolicy"] = o.allocation;

    CloudSession s = open_azure_session(o.azure, o.run, ctx);
    cloud::AzureDps dps(*s.caller, s.endpoint);
    cloud::Outcome r = dps.put_enrollment_group(o.id, body, "");
    if (s.dry_run) {
        report_cloud_run("enroll-group", s, "azure", {}, 0, ctx);
        return;
    }
    std::string status = "created";
    if (!r.ok()) {
        if (r.status != 409) util::fail_op("CreateOrUpdateEnrollmentGroup: " + r.describe());
        // It exists: the same signing certificate (or symmetric keys) counts as done.
        r = dps.get_enrollment_group(o.id);
        if (!r.ok()) util::fail_op("GetEnrollmentGroup: " + r.describe());
        nlohmann::json att = r.object("attestation");
        std::string type = att.contains("type") && att["type"].is_string() ? att["type"].get<std::string>() : "";
        std::string theirs;
        try {
            theirs = att.at("x509").at("signingCertificates").at("primary").at("info").at("sha256Thumbprint").get<std::string>();
        } catch (const nlohmann::json::exception&) {
            // Not an X.509 group, or not the shape DPS documents: compared as empty.
        }
        for (auto& c : theirs) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool same = o.symmetric_key ? type == "symmetricKey" : (type == "x509" && theirs == fingerprint);
        if (!same)
            util::fail_op("enrollment group " + o.id + " exists in " + s.scope + " with another attestation (" + type +
                          (theirs.empty() ? "" : ", SHA-256 " + theirs) + ")");
        status = "already-exists";
    }
    nlohmann::json doc = {{"schema", "provctl.cloud.azure.enroll-group/v1"},
                          {"status", status},
                          {"scope", s.scope},
                          {"enrollment_group_id", o.id},
                          {"etag", r.field("etag")},
                          {"attestation", o.symmetric_key ? "symmetric-key" : "x509"}};
    emit_json_unless_terminal(doc, [&](std::ostream& out) { out << status << " enrollment group " << o.id << '\n'; }, ctx);
}

}  // namespace

void register_cloud_azure_enroll_group(CLI::App& azure, Context& ctx) {
    auto o = std::make_shared<Options>();
    auto* sub = azure.add_subcommand("enroll-group", "Create a DPS enrollment group (CA certificate or symmetric keys)");
    sub->add_option("--id", o->id, "Enrollment group ID")->required();
    sub->add_option("--ca-cert", o->ca_cert, "Signing certificate of the group's devices")->type_name("FILE");
    sub->add_flag("--symmetric-key", o->symmetric_key, "Symmetric-key attestation (DPS makes the group keys)");
    sub->add_option("--iot-hub", o->iot_hubs, "IoT hub host (repeatable)")->type_name("HOST");
    sub->add_option("--allocation", o->allocation, "hashed, static or geoLatency");
    sub->add_option("--provisioning-status", o->provisioning_status, "enabled or disabled")->capture_default_str();
    add_cloud_run_options(*sub, o->run, false, false);
    add_azure_options(*sub, o->azure);
    sub->footer(help_footer("  provctl cloud azure enroll-group --id factory-line-1 --ca-cert int.crt\n", kCloudSingleExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
