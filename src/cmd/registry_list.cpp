// provctl registry list: devices, filtered by state, batch and SKU.
#include "cmd/registry_list.hpp"

#include <iomanip>
#include <ostream>

#include "cmd/commands.hpp"

namespace cmd {

void run_registry_list(const RegistryListOptions& o, Context& ctx) {
    registry::DeviceFilter filter;
    if (!o.state.empty()) {
        filter.state = registry::parse_state(o.state);
        if (!filter.state) util::fail_input("--state: unknown lifecycle state '" + o.state + "'");
    }
    if (o.limit < 0) util::fail_input("--limit must be 0 (no limit) or more");
    filter.batch = o.batch;
    filter.sku = o.sku;
    filter.limit = o.limit;
    auto reg = o.registry.open(ctx);
    auto devices = reg->list_devices(filter);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : devices) list.push_back(device_json(d));
    nlohmann::json doc = {{"schema", "provctl.registry.list/v1"}, {"registry", reg->display_url()}, {"devices", list}};
    ctx.emit(doc, [&](std::ostream& out) {
        out << std::left << std::setw(20) << "DEVICE" << std::setw(13) << "STATE" << std::setw(14) << "SKU"
            << std::setw(14) << "BATCH" << "UPDATED\n";
        for (const auto& d : devices)
            out << std::setw(20) << d.device_id << ' ' << std::setw(12) << registry::to_string(d.state) << ' '
                << std::setw(13) << d.sku << ' ' << std::setw(13) << d.batch << ' '
                << util::format_rfc3339(d.updated_at) << '\n';
    });
}

void register_registry_list(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<RegistryListOptions>();
    auto* sub = group.add_subcommand("list", "List devices in the registry");
    add_registry_options(*sub, o->registry);
    sub->add_option("--state", o->state, "Only devices in this lifecycle state");
    sub->add_option("--batch", o->batch, "Only devices of this batch");
    sub->add_option("--sku", o->sku, "Only devices of this SKU");
    sub->add_option("--limit", o->limit, "At most this many devices (0: all)")->capture_default_str();
    sub->footer(help_footer("  provctl registry list --state stocked --batch B-2026-11\n"
                            "  provctl registry list --registry postgresql://prov@db.example/registry --json\n"));
    sub->callback([o, &ctx] { run_registry_list(*o, ctx); });
}

}  // namespace cmd
