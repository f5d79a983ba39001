// provctl registry audit: the audit log, and with --verify a walk of its hash chain.
#include "cmd/registry_audit.hpp"

#include <ostream>

#include "cmd/commands.hpp"

namespace cmd {

void run_registry_audit(const RegistryAuditOptions& o, Context& ctx) {
    auto reg = o.registry.open(ctx);
    auto entries = reg->audit_entries(o.device_id);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : entries) list.push_back(audit_json(e));
    nlohmann::json doc = {{"schema", "provctl.registry.audit/v1"},
                          {"device_id", o.device_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.device_id)},
                          {"entries", list},
                          {"verify", nullptr}};
    std::optional<registry::AuditReport> report;
    if (o.verify) {
        // The chain is always checked whole: a device filter only narrows the listing.
        report = reg->verify_audit();
        doc["verify"] = {{"ok", report->ok()},
                         {"entries", report->entries},
                         {"first_broken", report->first_broken ? nlohmann::json(*report->first_broken) : nlohmann::json(nullptr)},
                         {"problem", report->ok() ? nlohmann::json(nullptr) : nlohmann::json(report->problem)}};
    }
    ctx.emit(doc, [&](std::ostream& out) {
        for (const auto& e : entries) {
            out << '#' << e.seq << ' ' << util::format_rfc3339(e.time) << ' ' << e.action << ' ' << e.device_id;
            if (!e.serial.empty()) out << " serial " << e.serial;
            out << ' ' << e.detail << " (" << e.operator_name << '@' << e.station << ")\n";
        }
        if (!report) return;
        if (report->ok())
            out << ctx.paint("audit chain intact", "32") << ": " << report->entries << " entries\n";
        else
            out << ctx.paint("audit chain broken", "31") << " at entry " << *report->first_broken << ": "
                << report->problem << '\n';
    });
    if (report && !report->ok())
        throw util::Error(util::ExitCode::verify_failed, "audit chain broken at entry " +
                                                             std::to_string(*report->first_broken) + ": " +
                                                             report->problem);
}

void register_registry_audit(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<RegistryAuditOptions>();
    auto* sub = group.add_subcommand("audit", "List audit entries; --verify checks the hash chain");
    sub->add_option("--device", o->device_id, "Only entries about this device ID");
    sub->add_flag("--verify", o->verify, "Walk the whole hash chain; exit 3 naming the first broken entry");
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer("  provctl registry audit --device SN-0001\n  provctl registry audit --verify\n",
                            "  0  success (with --verify: the chain is intact)\n  1  the operation failed\n"
                            "  2  usage error or bad input\n  3  --verify found a broken chain\n"));
    sub->callback([o, &ctx] { run_registry_audit(*o, ctx); });
}

}  // namespace cmd
