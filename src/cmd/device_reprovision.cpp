// provctl device reprovision: a returned unit gets a fresh identity.
#include "cmd/device_reprovision.hpp"

#include <ostream>

#include "cloud/aws_register.hpp"
#include "cmd/commands.hpp"
#include "util/secret.hpp"

namespace cmd {

namespace {

// The certificate each refurbished unit had in AWS IoT, set REVOKED. A unit
// never registered there is fine; a refusal is reported with what to run.
bool deactivate_in_aws(CloudSession& s, const std::vector<device::UnitResult>& units, registry::SharedRegistry& shared,
                       const registry::Actor& actor, Context& ctx) {
    cloud::AwsIot iot(*s.caller, s.endpoint);
    bool ok = true;
    for (const auto& u : units) {
        if (u.outcome != device::Outcome::refurbished) continue;
        auto rec = shared.with([&](registry::Registry& r) { return r.find_cloud_record(u.device_id, "aws", s.scope); });
        if (!rec || rec->certificate_id.empty()) {
            ctx.info(u.device_id + ": no AWS IoT certificate recorded for " + s.scope + "; nothing to deactivate");
            continue;
        }
        auto r = cloud::aws_deactivate_device(iot, shared, u.device_id, s.scope, "REVOKED", actor);
        if (r.status == "failed") {
            ok = false;
            ctx.warn(u.device_id + ": re-provisioned, but AWS IoT did not revoke certificate " + rec->certificate_id +
                     ": " + r.message + "; run provctl cloud aws deactivate --device " + u.device_id +
                     " --status REVOKED");
        } else {
            ctx.info(u.device_id + ": certificate " + rec->certificate_id + " REVOKED in AWS IoT " + s.scope);
        }
    }
    return ok;
}

}  // namespace

void run_device_reprovision(const DeviceReprovisionOptions& o, Context& ctx) {
    auto plans = port_plans(o.ports);
    if (o.reason.empty()) util::fail_input("--reason is required (e.g. rma): it is recorded in the audit log");
    const bool ask = !o.yes && !ctx.assume_yes;
    if (ask && plans.size() > 1) util::fail_input("several units at once need --yes: confirmation is asked one unit at a time");
    if (ask && !ctx.terminal)
        util::fail_input("re-provisioning asks for confirmation on a terminal; in scripts pass --yes");
    device::StationConfig cfg;
    cfg.slot = o.slot;
    cfg.lock_debug = !o.no_lock_debug;
    cfg.tries = o.tries;
    cfg.actor = o.registry.actor();
    auto issuer = open_issuer(o.issuer, "ec-p256", ctx);
    auto reg = o.registry.open(ctx);
    device::SharedRegistry shared(*reg);
    // Credentials are found before any unit is touched: a missing one is a usage error now, not later.
    std::optional<CloudSession> aws;
    if (o.aws_deactivate) aws.emplace(open_aws_session(o.aws, CloudRunOptions{}, ctx));
    auto units = run_ports(plans, o.ports, ctx, [&](device::Client& client, const PortPlan& p,
                                                    const device::StepObserver& observe) {
        device::RmaPlan plan;
        plan.port = p.port;
        plan.reason = o.reason;
        if (ask) {
            plan.confirm = [&](const device::UnitResult& u, const registry::Device& d) {
                *ctx.err << "unit          " << u.device_id << " (hardware UID " << u.hw_uid << ")\n"
                         << "registry      " << registry::to_string(d.state) << ", batch " << d.batch << ", "
                         << d.rma_count << " earlier returns\n"
                         << "certificate   " << u.old_serial << " will be superseded and revoked\n";
                return util::confirm_on_terminal("Re-provision " + u.device_id + " with a new key and certificate?");
            };
        }
        return device::reprovision_unit(client, plan, cfg, issuer->issuing, shared, *ctx.clock, observe);
    });
    bool cloud_failed = aws && !deactivate_in_aws(*aws, units, shared, cfg.actor, ctx);
    report_units(units, "provctl.device.reprovision/v1", ctx);
    if (cloud_failed) throw util::Error(util::ExitCode::failed, "");
}

void register_device_reprovision(CLI::App& device, Context& ctx) {
    auto o = std::make_shared<DeviceReprovisionOptions>();
    auto* sub = device.add_subcommand("reprovision", "Give a returned unit a new key and certificate; revoke the old one");
    add_port_options(*sub, o->ports);
    add_issuer_options(*sub, o->issuer);
    sub->add_option("--reason", o->reason, "Why the unit is re-provisioned (rma, repair...), recorded in the audit log")
        ->required();
    sub->add_option("--slot", o->slot, "Key slot on the device (0-3)")->capture_default_str();
    sub->add_flag("--no-lock-debug", o->no_lock_debug, "Leave the debug port open (engineering samples only)");
    sub->add_option("--tries", o->tries, "Tries per step")->capture_default_str();
    sub->add_flag("--yes", o->yes, "Do not ask for confirmation (scripts)");
    add_registry_options(*sub, o->registry);
    sub->add_flag("--aws-deactivate", o->aws_deactivate,
                  "Then set the old certificate REVOKED in AWS IoT (with the --aws-* options)");
    add_aws_options(*sub, o->aws, "aws-");
    sub->footer(help_footer(
        "  provctl device reprovision --port /dev/ttyUSB0 --reason rma --issuer-cert mfg.crt \\\n"
        "      --issuer-key file:mfg.key --issuer-passphrase env:MFG_PASS --chain root.crt --registry sqlite:line.db\n"
        "  provctl device reprovision --port /dev/ttyUSB0 --reason rma ... --aws-deactivate --aws-region eu-west-1\n",
        "  0  the unit has its new identity\n  1  the unit could not be re-provisioned (reason given)\n"
        "  2  usage error or bad input\n  3  a check failed\n"));
    sub->callback([o, &ctx] { run_device_reprovision(*o, ctx); });
}

}  // namespace cmd
