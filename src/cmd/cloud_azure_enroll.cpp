// provctl cloud azure enroll: devices from the registry as DPS individual
// enrollments; a batch goes in bulk requests of at most ten.


#include "cloud/azure_enroll.hpp"
#include "cmd/cloud.hpp"
#include "cmd/cloud_options.hpp"
#include "cmd/commands.hpp"

namespace cmd {

namespace {

struct Options {
    CloudRunOptions run;
    AzureOptions azure;
    std::string attestation = "x509";
    std::vector<std::string> iot_hubs;
    std::string allocation;
    std::string initial_twin;
    std::string provisioning_status = "enabled";
};

void run(const Options& o, Context& ctx) {
    cloud::AzureEnrollPlan plan;
    if (o.attestation != "x509" && o.attestation != "symmetric-key")
        util::fail_input("--attestation '" + o.attestation + "': use x509 or symmetric-key");
    check_dps_placement(o.allocation, o.provisioning_status, o.iot_hubs.size());
    plan.attestation = o.attestation;
    plan.iot_hubs = o.iot_hubs;
    plan.allocation = o.allocation;
    plan.provisioning_status = o.provisioning_status;
    if (!o.initial_twin.empty()) plan.initial_twin = nlohmann::json::parse(read_json_object_file(o.initial_twin, "--initial-twin"));
    plan.actor = o.run.registry.actor();
    for (const auto& id : o.run.devices) cloud::check_registration_id(id, "--device");

    auto reg = o.run.registry.open(ctx);
    auto targets = cloud::load_targets(*reg, o.run.devices, o.run.batch);
    CloudSession s = open_azure_session(o.azure, o.run, ctx);
    plan.scope = s.scope;
    cloud::AzureDps dps(*s.caller, s.endpoint);
    registry::SharedRegistry shared(*reg);

    cloud::BulkWork work;
    work.devices = targets.size();
    std::vector<std::vector<const cloud::Target*>> chunks;
    if (o.run.batch.empty()) {
        for (const auto& t : targets) chunks.push_back({&t});
        work.run = [&](size_t i) { return std::vector<cloud::DeviceResult>{cloud::azure_enroll_device(dps, shared, *chunks[i][0], plan)}; };
    } else {
        for (size_t i = 0; i < targets.size(); i += cloud::kDpsBulkMax) {
            chunks.emplace_back();
            for (size_t j = i; j < std::min(targets.size(), i + cloud::kDpsBulkMax); ++j) chunks.back().push_back(&targets[j]);
        }
        work.run = [&](size_t i) { return cloud::azure_enroll_chunk(dps, shared, chunks[i], plan); };
    }
    work.items = chunks.size();
    work.failed = [&](size_t i, const std::string& why) {
        std::vector<cloud::DeviceResult> out;
        for (const cloud::Target* t : chunks[i])
            out.push_back(cloud::failed_result(t->device.device_id, "azure", s.scope, t->cert.fingerprint, why));
        return out;
    };
    run_and_report("enroll", "azure", work, s, o.run.jobs, ctx);
}

}  // namespace

void register_cloud_azure_enroll(CLI::App& azure, Context& ctx) {
    auto o = std::make_shared<Options>();
    auto* sub = azure.add_subcommand("enroll", "Enroll devices from the registry with DPS (individual enrollments)");
    add_cloud_run_options(*sub, o->run, true);
    add_azure_options(*sub, o->azure);
    sub->add_option("--attestation", o->attestation, "x509 (the registry's certificate) or symmetric-key (keys made by DPS)")
        ->capture_default_str();
    sub->add_option("--iot-hub", o->iot_hubs, "IoT hub host the devices may be assigned to (repeatable)")->type_name("HOST");
    sub->add_option("--allocation", o->allocation, "hashed, static or geoLatency (default: the service's)");
    sub->add_option("--initial-twin", o->initial_twin, "Initial device twin (JSON)")->type_name("FILE");
    sub->add_option("--provisioning-status", o->provisioning_status, "enabled or disabled")->capture_default_str();
    sub->footer(help_footer(
        "  export AZURE_DPS_CONNECTION_STRING='HostName=acme-dps.azure-devices-provisioning.net;...'\n"
        "  provctl cloud azure enroll --batch B-2026-11 --iot-hub acme-hub.azure-devices.net --registry sqlite:registry.db\n"
        "  provctl cloud azure enroll --device SN-00000001W --connection-string file:dps.conn --dry-run\n",
        kCloudExitCodes));
    sub->callback([o, &ctx] { run(*o, ctx); });
}

}  // namespace cmd
