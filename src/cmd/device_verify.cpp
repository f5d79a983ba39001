// provctl device verify: a provisioned unit's identity, checked end to end.
#include "cmd/device_verify.hpp"

#include <iomanip>
#include <ostream>

#include "cmd/commands.hpp"
#include "pki/cert_io.hpp"
#include "pki/verify.hpp"
#include "util/text.hpp"

namespace cmd {

void run_device_verify(const DeviceVerifyOptions& o, Context& ctx) {
    auto plans = port_plans(o.ports);
    auto anchors = read_anchors(o.trust);
    std::vector<util::X509Ptr> extra;
    for (const auto& p : o.untrusted)
        for (auto& c : pki::read_certificates(p)) extra.push_back(std::move(c));
    device::VerifyConfig vc;
    vc.slot = o.slot;
    vc.require_debug_lock = !o.allow_debug;
    for (const auto& a : anchors) vc.anchors.push_back(a.get());
    for (const auto& c : extra) vc.untrusted.push_back(c.get());
    std::unique_ptr<registry::Registry> reg;
    std::unique_ptr<device::SharedRegistry> shared;
    if (!o.no_registry) {
        reg = o.registry.open(ctx);
        shared = std::make_unique<device::SharedRegistry>(*reg);
    }
    auto units = run_ports(plans, o.ports, ctx, [&](device::Client& client, const PortPlan& p,
                                                    const device::StepObserver& observe) {
        if (observe) observe("VERIFY");
        auto r = device::verify_unit(client, p.port, vc, shared.get(), *ctx.clock);
        if (!p.expect_id.empty() && r.device_id != p.expect_id && r.outcome == device::Outcome::verified) {
            r.outcome = device::Outcome::failed;
            r.checks.push_back({"barcode", false, "the unit reports " + r.device_id + ", the list says " + p.expect_id});
            r.failed_step = "barcode";
            r.reason = r.checks.back().detail;
        }
        return r;
    });
    report_units(units, "provctl.device.verify/v1", ctx);
}

void register_device_verify(CLI::App& device, Context& ctx) {
    auto o = std::make_shared<DeviceVerifyOptions>();
    auto* sub = device.add_subcommand("verify", "Check a provisioned unit: chain, key possession, debug lock, registry");
    add_port_options(*sub, o->ports);
    sub->add_option("--trust", o->trust, "Trust anchor the unit's chain must reach (repeatable)")
        ->required()
        ->type_name("FILE");
    sub->add_option("--untrusted", o->untrusted, "Extra intermediate certificates, besides the unit's stored chain")
        ->type_name("FILE");
    sub->add_option("--slot", o->slot, "Key slot on the device (0-3)")->capture_default_str();
    sub->add_flag("--allow-debug", o->allow_debug, "Do not require the debug port to be locked");
    sub->add_flag("--no-registry", o->no_registry, "Skip the registry agreement check");
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer("  provctl device verify --port /dev/ttyUSB0 --trust root.crt --registry sqlite:line.db\n"
                            "  provctl --json device verify --ports-from fixture16.txt --trust root.crt\n",
                            "  0  every unit passed every check\n  1  a port or the registry could not be used\n"
                            "  2  usage error or bad input\n  3  a check failed (named in the output)\n"));
    sub->callback([o, &ctx] { run_device_verify(*o, ctx); });
}

void run_device_info(const DeviceInfoOptions& o, Context& ctx) {
    auto plans = port_plans(o.ports);
    nlohmann::json list = nlohmann::json::array();
    std::vector<nlohmann::json> infos(plans.size());
    auto units = run_ports(plans, o.ports, ctx, [&](device::Client& client, const PortPlan& p,
                                                    const device::StepObserver&) {
        device::UnitResult r;
        device::Hello h = client.hello();
        nlohmann::json j = {{"port", p.port},
                            {"protocol", h.protocol},
                            {"fw_version", h.fw_version},
                            {"fw_sha256", h.fw_sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.fw_sha256)},
                            {"hw_rev", h.hw_rev},
                            {"hw_uid", h.hw_uid},
                            {"se_serial", h.se_serial},
                            {"device_id", h.device_id ? nlohmann::json(*h.device_id) : nlohmann::json(nullptr)},
                            {"lifecycle", h.lifecycle},
                            {"debug_locked", h.debug_locked},
                            {"certificate", nullptr}};
        device::StoredCerts s = client.read_certs(o.slot);
        if (!s.cert.empty()) {
            try {
                auto certs = pki::parse_certificates(s.cert, p.port);
                const X509* c = certs.front().get();
                j["certificate"] = {{"subject", pki::describe(c).subject},
                                    {"serial", util::serial_hex(X509_get0_serialNumber(c))},
                                    {"sha256", util::cert_sha256_hex(c)},
                                    {"not_after", util::format_asn1_time(X509_get0_notAfter(c))}};
            } catch (const util::Error& e) {
                j["certificate"] = {{"error", e.what()}};
            }
        }
        size_t i = static_cast<size_t>(&p - &plans[0]);
        infos[i] = j;
        r.device_id = h.device_id.value_or("");
        r.hw_uid = h.hw_uid;
        r.outcome = device::Outcome::verified;
        return r;
    });
    int failures = 0;
    for (size_t i = 0; i < plans.size(); ++i) {
        if (infos[i].is_null()) {
            ++failures;
            infos[i] = {{"port", plans[i].port}, {"error", units[i].reason}};
        }
        list.push_back(infos[i]);
    }
    ctx.emit({{"schema", "provctl.device.info/v1"}, {"devices", list}}, [&](std::ostream& out) {
        for (const auto& j : list) {
            out << util::printable(j["port"].get<std::string>()) << '\n';
            if (j.contains("error")) {
                out << "  error         " << j["error"].get<std::string>() << '\n';
                continue;
            }
            auto text = [&](const char* k) { return j[k].is_null() ? std::string("-") : j[k].is_string() ? j[k].get<std::string>() : j[k].dump(); };
            for (const char* k : {"device_id", "lifecycle", "debug_locked", "fw_version", "fw_sha256", "hw_rev", "hw_uid",
                                  "se_serial", "protocol"})
                out << "  " << std::left << std::setw(14) << k << text(k) << '\n';
            if (j["certificate"].is_object() && j["certificate"].contains("serial"))
                out << "  certificate   " << j["certificate"]["serial"].get<std::string>() << ", "
                    << j["certificate"]["subject"].get<std::string>() << ", until "
                    << j["certificate"]["not_after"].get<std::string>() << '\n';
        }
    });
    if (failures > 0) throw util::Error(util::ExitCode::failed, "");
}

void register_device_info(CLI::App& device, Context& ctx) {
    auto o = std::make_shared<DeviceInfoOptions>();
    auto* sub = device.add_subcommand("info", "Show what a unit reports: IDs, firmware, lifecycle, certificate");
    add_port_options(*sub, o->ports);
    sub->add_option("--slot", o->slot, "Key slot whose certificate to show (0-3)")->capture_default_str();
    sub->footer(help_footer("  provctl device info --port /dev/ttyUSB0\n  provctl --json device info --port /dev/ttyACM0\n",
                            "  0  every unit answered\n  1  a unit did not answer\n  2  usage error\n"));
    sub->callback([o, &ctx] { run_device_info(*o, ctx); });
}

}  // namespace cmd
