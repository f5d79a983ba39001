// provctl registry export: every device with its active certificate (CSV) or
// with all its certificates (JSON Lines), to stdout or a file written atomically.
#include "cmd/registry_export.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "util/atomic_file.hpp"
#include "util/text.hpp"

namespace cmd {

namespace {

const char* kCsvHeader =
    "device_id,hardware_uid,sku,hw_revision,batch,state,rma_count,spec_version,station,operator,created_at,"
    "updated_at,cert_issuer,cert_serial,cert_sha256,cert_not_after\n";

}  // namespace

std::string render_export(registry::Registry& reg, const std::string& format) {
    std::string text = format == "csv" ? kCsvHeader : "";
    for (const auto& d : reg.list_devices({})) {
        auto certs = reg.certificates_of(d.device_id);
        if (format == "jsonl") {
            nlohmann::json line = device_json(d);
            line["certificates"] = nlohmann::json::array();
            for (const auto& c : certs) line["certificates"].push_back(certificate_json(c, true));
            text += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
            continue;
        }
        const registry::Certificate* active = nullptr;
        for (const auto& c : certs)
            if (c.status == registry::CertStatus::active) active = &c;
        std::vector<std::string> fields = {d.device_id,
                                           d.hardware_uid,
                                           d.sku,
                                           d.hw_revision,
                                           d.batch,
                                           registry::to_string(d.state),
                                           std::to_string(d.rma_count),
                                           d.spec_version,
                                           d.station,
                                           d.operator_name,
                                           util::format_rfc3339(d.created_at),
                                           util::format_rfc3339(d.updated_at),
                                           active ? active->issuer : "",
                                           active ? active->serial : "",
                                           active ? active->fingerprint : "",
                                           active ? util::format_rfc3339(active->not_after) : ""};
        for (size_t i = 0; i < fields.size(); ++i) text += (i ? "," : "") + util::csv_field(fields[i]);
        text += '\n';
    }
    return text;
}

void run_registry_export(const RegistryExportOptions& o, Context& ctx) {
    if (o.format != "csv" && o.format != "jsonl") util::fail_input("--format must be csv or jsonl");
    if (!o.out.empty()) util::ensure_writable_target(o.out, o.force);
    auto reg = o.registry.open(ctx);
    std::string text = render_export(*reg, o.format);
    if (o.out.empty()) {
        // The data is the output; --json changes nothing here.
        *ctx.out << text;
        ctx.out->flush();
        return;
    }
    util::write_file_atomic(o.out, text, 0644, o.force);
    size_t devices = 0;
    for (char c : text) devices += c == '\n';
    if (o.format == "csv") --devices;
    nlohmann::json doc = {{"schema", "provctl.registry.export/v1"},
                          {"format", o.format},
                          {"out", o.out},
                          {"devices", devices}};
    ctx.emit(doc, [&](std::ostream& out) { out << "exported " << devices << " devices to " << o.out << '\n'; });
}

void register_registry_export(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<RegistryExportOptions>();
    auto* sub = group.add_subcommand("export", "Export every device as CSV or JSON Lines");
    sub->add_option("--format", o->format, "csv (one row per device, active certificate) or jsonl (all certificates)")
        ->capture_default_str();
    sub->add_option("--out", o->out, "Write to this file (atomically) instead of stdout")->type_name("FILE");
    sub->add_flag("--force", o->force, "Replace an existing --out file");
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer("  provctl registry export --format csv > devices.csv\n"
                            "  provctl registry export --format jsonl --out devices.jsonl\n"));
    sub->callback([o, &ctx] { run_registry_export(*o, ctx); });
}

}  // namespace cmd
