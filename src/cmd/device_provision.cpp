// provctl device provision: new units over serial ports, in parallel.
#include "cmd/device_provision.hpp"

#include "cmd/commands.hpp"
#include "device/id_template.hpp"
#include "manifest/job.hpp"
#include "pki/key.hpp"

namespace cmd {

namespace {

std::chrono::milliseconds backoff_of(const std::string& text) {
    PortOptions p;
    p.timeout = text;
    try {
        return request_timeout(p);
    } catch (const util::Error&) {
        util::fail_input("--backoff '" + text + "': expected a duration such as 200ms or 1s");
    }
}

// A job manifest fills in what the command line leaves out; an option given
// on the command line wins, so a station can override one value for a run.
DeviceProvisionOptions with_job(const DeviceProvisionOptions& given, std::string& job_label) {
    DeviceProvisionOptions o = given;
    if (given.job.empty()) return o;
    manifest::Job job = manifest::load_job(given.job);
    job_label = job.name + " (" + job.file + ", sha256 " + job.sha256.substr(0, 16) + ")";
    auto& is = o.issuer;
    const auto& jc = job.certificates;
    if (is.issuer_cert.empty()) is.issuer_cert = jc.issuer_cert;
    if (is.issuer_key.empty()) is.issuer_key = jc.issuer_key;
    if (is.issuer_access.passphrase.empty()) is.issuer_access.passphrase = jc.issuer_access.passphrase;
    if (is.issuer_access.pin.empty()) is.issuer_access.pin = jc.issuer_access.pin;
    if (is.issuer_access.pkcs11_module.empty()) is.issuer_access.pkcs11_module = jc.issuer_access.pkcs11_module;
    if (is.chain.empty()) is.chain = jc.chain;
    if (is.trust.empty() && !jc.trust.empty()) is.trust = {jc.trust};
    if (is.subject.empty() && jc.subject_prefix) is.subject = *jc.subject_prefix;
    if (!is.validity.days && is.validity.not_before.empty() && is.validity.not_after.empty()) {
        is.validity.days = jc.validity_days;
        is.clip_validity = true;  // a job outlives its intermediate's renewal; its certificates never outlive it
    }
    if (o.id_template.empty() && job.id_template) o.id_template = job.id_template->text();
    o.slot = job.key.slot;
    o.key_type = pki::key_type_name(job.key.type);
    if (!job.steps.lock_debug) o.no_lock_debug = true;
    o.self_test = job.steps.self_test;
    o.self_test_timeout_ms = job.steps.self_test_timeout.count();
    if (o.sku.empty()) o.sku = job.sku;
    if (o.hw_revision.empty()) o.hw_revision = job.hw_revision;
    if (o.batch.empty()) o.batch = job.batch;
    if (o.fw_version.empty()) o.fw_version = job.firmware.build_id;
    if (o.fw_sha256.empty() && job.firmware.sha256) o.fw_sha256 = *job.firmware.sha256;
    o.tries = job.retry.tries;
    o.backoff = std::to_string(job.retry.backoff.count()) + "ms";
    o.ports.timeout = std::to_string(job.retry.timeout.count()) + "ms";
    return o;
}

}  // namespace

void run_device_provision(const DeviceProvisionOptions& given, Context& ctx) {
    std::string job_label;
    const DeviceProvisionOptions o = with_job(given, job_label);
    auto plans = port_plans(o.ports);
    if ((!o.device_id.empty() || !o.expect_id.empty()) && plans.size() > 1)
        util::fail_input("--device-id and --expect-id name one unit; for several ports use --ports-from with an ID per port, "
                         "or --id-template");
    if (!o.device_id.empty() && !o.expect_id.empty()) util::fail_input("give --device-id or --expect-id, not both");
    if (!o.id_template.empty()) device::IdTemplate::parse(o.id_template);
    if (o.slot < 0 || o.slot > 3) util::fail_input("--slot must be 0 to 3");
    if (o.key_type != "ec-p256" && o.key_type != "ec-p384")
        util::fail_input("--key-type '" + o.key_type + "': device keys are ec-p256 or ec-p384");
    if (o.tries < 1 || o.tries > 10) util::fail_input("--tries must be 1 to 10");

    device::StationConfig cfg;
    cfg.slot = o.slot;
    cfg.key_type = o.key_type;
    cfg.lock_debug = !o.no_lock_debug;
    cfg.fw_version = o.fw_version;
    cfg.fw_sha256 = o.fw_sha256;
    cfg.self_test = o.self_test;
    cfg.self_test_timeout_ms = o.self_test_timeout_ms;
    cfg.hw_revision = o.hw_revision;
    cfg.sku = o.sku;
    cfg.batch = o.batch.empty() ? "line" : o.batch;
    cfg.job = job_label;
    cfg.id_template = o.id_template;
    cfg.id_first = o.id_first;
    cfg.tries = o.tries;
    cfg.backoff = backoff_of(o.backoff);
    cfg.requeue = o.requeue;
    cfg.actor = o.registry.actor();

    auto issuer = open_issuer(o.issuer, o.key_type, ctx);
    auto reg = o.registry.open(ctx);
    device::SharedRegistry shared(*reg);
    auto units = run_ports(plans, o.ports, ctx, [&](device::Client& client, const PortPlan& p,
                                                    const device::StepObserver& observe) {
        device::UnitPlan plan{p.port, o.device_id, o.expect_id.empty() ? p.expect_id : o.expect_id};
        return device::provision_unit(client, plan, cfg, issuer->issuing, shared, *ctx.clock, observe);
    });
    report_units(units, "provctl.device.provision/v1", ctx);
}

void register_device_provision(CLI::App& device, Context& ctx) {
    auto o = std::make_shared<DeviceProvisionOptions>();
    auto* sub = device.add_subcommand("provision", "Provision new units: key on the device, certificate, proof, debug lock");
    add_port_options(*sub, o->ports);
    add_issuer_options(*sub, o->issuer);
    sub->add_option("--device-id", o->device_id, "Give the unit this device ID (one port)");
    sub->add_option("--expect-id", o->expect_id, "The scanned barcode: the unit must already report this device ID");
    sub->add_option("--id-template", o->id_template,
                    "Assign IDs from this template to units that have none, e.g. SN-{seq:08}{check}")
        ->type_name("TEMPLATE");
    sub->add_option("--id-first", o->id_first, "First sequence number --id-template hands out")->capture_default_str();
    sub->add_option("--slot", o->slot, "Key slot on the device (0-3)")->capture_default_str();
    sub->add_option("--key-type", o->key_type, "Key the device makes: ec-p256 or ec-p384")->capture_default_str();
    sub->add_flag("--no-lock-debug", o->no_lock_debug, "Leave the debug port open (engineering samples only)");
    sub->add_option("--sku", o->sku, "SKU recorded with each unit");
    sub->add_option("--hw-revision", o->hw_revision, "Hardware revision the units must report; recorded");
    sub->add_option("--batch", o->batch, "Registry batch for the units (default: line)");
    sub->add_option("--fw-version", o->fw_version, "Firmware version the units must report");
    sub->add_option("--job", o->job, "Provisioning job manifest (docs/provisioning-job.md); options given here win")
        ->type_name("FILE");
    sub->add_option("--fw-sha256", o->fw_sha256, "SHA-256 of the firmware the units must report");
    sub->add_option("--tries", o->tries, "Tries per step before a unit is quarantined")->capture_default_str();
    sub->add_option("--backoff", o->backoff, "Wait before the first retry, doubling each time")->capture_default_str();
    sub->add_flag("--requeue", o->requeue, "Try units again that an earlier run quarantined");
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer(
        "  provctl device provision --port /dev/ttyUSB0 --expect-id SN-00000042G \\\n"
        "      --issuer-cert mfg.crt --issuer-key file:mfg.key --issuer-passphrase env:MFG_PASS \\\n"
        "      --chain root.crt --trust root.crt --registry sqlite:line.db\n"
        "  provctl --json device provision --ports-from fixture16.txt --id-template 'SN-{seq:08}{check}' \\\n"
        "      --issuer-cert mfg.crt --issuer-key 'pkcs11:token=MFG;object=int?pin-source=env:HSM_PIN' --chain root.crt\n",
        "  0  every unit passed\n  1  a unit failed for another reason (port, registry, issuer)\n"
        "  2  usage error or bad input\n  3  a unit was quarantined or failed a check\n"));
    sub->callback([o, &ctx] { run_device_provision(*o, ctx); });
}

}  // namespace cmd
