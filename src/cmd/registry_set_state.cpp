// provctl registry set-state: one lifecycle transition, with its audit entry.
#include "cmd/registry_set_state.hpp"

#include <ostream>

#include "cmd/commands.hpp"

namespace cmd {

void run_registry_set_state(const RegistrySetStateOptions& o, Context& ctx) {
    auto to = registry::parse_state(o.state);
    if (!to) util::fail_input("unknown lifecycle state '" + o.state + "' (see provctl registry set-state --help)");
    auto reg = o.registry.open(ctx);
    registry::Transaction tx(*reg);
    auto change = reg->set_state(o.device_id, *to, o.reason, o.registry.actor());
    tx.commit();
    nlohmann::json doc = {{"schema", "provctl.registry.set-state/v1"},
                          {"device_id", o.device_id},
                          {"from", registry::to_string(change.from)},
                          {"to", registry::to_string(change.to)},
                          {"reason", o.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.reason)}};
    ctx.emit(doc, [&](std::ostream& out) {
        out << o.device_id << ": " << registry::to_string(change.from) << " -> " << registry::to_string(change.to)
            << '\n';
    });
}

void register_registry_set_state(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<RegistrySetStateOptions>();
    auto* sub = group.add_subcommand("set-state", "Move a device to another lifecycle state");
    sub->add_option("ID", o->device_id, "Device ID")->required();
    sub->add_option("STATE", o->state,
                    "manufactured, stocked, shipped, activated, returned, refurbished, quarantined or retired")
        ->required();
    sub->add_option("--reason", o->reason, "Why, recorded in the audit entry");
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer("  provctl registry set-state SN-0001 stocked\n"
                            "  provctl registry set-state SN-0001 quarantined --reason 'failed burn-in'\n"));
    sub->callback([o, &ctx] { run_registry_set_state(*o, ctx); });
}

}  // namespace cmd
