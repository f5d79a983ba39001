// provctl registry show: one device, its certificates and its audit entries.
#include "cmd/registry_show.hpp"

#include <ostream>

#include "cloud/targets.hpp"
#include "cmd/commands.hpp"
#include "util/text.hpp"

namespace cmd {

void run_registry_show(const RegistryShowOptions& o, Context& ctx) {
    auto reg = o.registry.open(ctx);
    auto device = reg->find_device(o.device_id);
    if (!device) util::fail_input("no device " + o.device_id + " in registry " + reg->display_url());
    auto certs = reg->certificates_of(o.device_id);
    auto audit = reg->audit_entries(o.device_id);
    nlohmann::json cert_list = nlohmann::json::array();
    for (const auto& c : certs) cert_list.push_back(certificate_json(c, true));
    nlohmann::json audit_list = nlohmann::json::array();
    for (const auto& e : audit) audit_list.push_back(audit_json(e));
    auto clouds = reg->cloud_records_of(o.device_id);
    nlohmann::json cloud_list = nlohmann::json::array();
    for (const auto& c : clouds) cloud_list.push_back(cloud::record_json(c));
    nlohmann::json doc = {{"schema", "provctl.registry.show/v1"},
                          {"device", device_json(*device)},
                          {"certificates", cert_list},
                          {"cloud", cloud_list},
                          {"audit", audit_list}};
    ctx.emit(doc, [&](std::ostream& out) {
        const auto& d = *device;
        out << "device        " << d.device_id << '\n'
            << "state         " << registry::to_string(d.state) << '\n'
            << "hardware uid  " << d.hardware_uid << '\n'
            << "sku           " << d.sku << " rev " << d.hw_revision << '\n'
            << "batch         " << d.batch << '\n'
            << "rma count     " << d.rma_count << '\n'
            << "spec version  " << d.spec_version << '\n'
            << "registered    " << util::format_rfc3339(d.created_at) << " by " << d.operator_name << " at "
            << d.station << '\n'
            << "updated       " << util::format_rfc3339(d.updated_at) << '\n';
        out << "certificates  " << certs.size() << '\n';
        for (const auto& c : certs)
            out << "  " << c.serial << "  " << registry::to_string(c.status) << "  until "
                << util::format_rfc3339(c.not_after) << "  " << c.fingerprint << '\n';
        for (const auto& c : clouds)
            out << "cloud         " << c.provider << ' ' << c.scope << "  " << c.status << "  "
                << (c.provider == "aws" ? c.certificate_arn : c.enrollment_id)
                << (c.message.empty() ? "" : "  (" + util::printable(c.message) + ")") << '\n';
        out << "audit         " << audit.size() << '\n';
        for (const auto& e : audit)
            out << "  #" << e.seq << ' ' << util::format_rfc3339(e.time) << ' ' << e.action << ' ' << e.detail
                << " (" << e.operator_name << '@' << e.station << ")\n";
    });
}

void register_registry_show(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<RegistryShowOptions>();
    auto* sub = group.add_subcommand("show", "Show a device with its certificates and audit entries");
    sub->add_option("ID", o->device_id, "Device ID")->required();
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer("  provctl registry show SN-0001\n  provctl registry show SN-0001 --json\n"));
    sub->callback([o, &ctx] { run_registry_show(*o, ctx); });
}

}  // namespace cmd
