// provctl id check: are these device IDs well formed for a template, with a
// right check character?
#include "cmd/id_check.hpp"

#include <algorithm>
#include <ostream>

#include "cmd/commands.hpp"

namespace cmd {

nlohmann::json id_check_document(const std::string& id_template, const std::vector<IdCheckResult>& results) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : results) {
        list.push_back({
            {"id", r.id},
            {"valid", r.reading.valid()},
            {"seq", r.reading.seq ? nlohmann::json(*r.reading.seq) : nlohmann::json(nullptr)},
            {"error", r.reading.valid() ? nlohmann::json(nullptr) : nlohmann::json(r.reading.error)},
        });
    }
    return {{"schema", "provctl.id.check/v1"}, {"template", id_template}, {"results", list}};
}

std::vector<IdCheckResult> run_id_check(const IdCheckOptions& o, Context& ctx) {
    auto tmpl = device::IdTemplate::parse(o.id_template);
    std::vector<IdCheckResult> results;
    for (const auto& id : o.ids) results.push_back({id, tmpl.read(id)});
    std::function<void(std::ostream&)> human;
    if (!ctx.quiet) {
        human = [&](std::ostream& out) {
            size_t w = 0;
            for (const auto& r : results) w = std::max(w, r.id.size());
            for (const auto& r : results) {
                out << r.id << std::string(w - r.id.size() + 2, ' ');
                if (r.reading.valid()) out << ctx.paint("ok", "32") << '\n';
                else out << ctx.paint("bad", "31") << ": " << r.reading.error << '\n';
            }
        };
    }
    ctx.emit(id_check_document(o.id_template, results), human);
    return results;
}

void register_id_check(CLI::App& id, Context& ctx) {
    auto o = std::make_shared<IdCheckOptions>();
    auto* sub = id.add_subcommand("check", "Check device IDs against a template and its check character");
    sub->add_option("--id-template", o->id_template, "ID template, e.g. SN-{seq:08}{check} (see docs/device-ids.md)")
        ->type_name("TEMPLATE")
        ->required();
    sub->add_option("ids", o->ids, "Device IDs to check")->required()->type_name("ID");
    sub->footer(help_footer(
        "  provctl id check --id-template 'SN-{seq:08}{check}' SN-00000042G\n"
        "  provctl --json id check --id-template '{seq:09}{check}' 0000000422 0000000430\n",
        "  0  every ID is valid\n"
        "  1  the check could not run\n"
        "  2  usage error or a bad template\n"
        "  3  at least one ID is not valid (each result is printed first)\n"));
    sub->callback([o, &ctx] {
        auto results = run_id_check(*o, ctx);
        auto bad = std::count_if(results.begin(), results.end(), [](const IdCheckResult& r) { return !r.reading.valid(); });
        if (bad > 0)
            throw util::Error(util::ExitCode::verify_failed,
                              std::to_string(bad) + " of " + std::to_string(results.size()) + " IDs not valid");
    });
}

}  // namespace cmd
