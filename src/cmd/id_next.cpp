// provctl id next: the next device IDs of a template, check character included.
#include "cmd/id_next.hpp"

#include <ostream>

#include "cmd/commands.hpp"

namespace cmd {

uint64_t first_seq(const IdNextOptions& o, const device::IdTemplate& tmpl) {
    if (!o.after.empty()) {
        auto reading = tmpl.read(o.after);
        if (!reading.valid()) util::fail_input("--after '" + o.after + "': " + reading.error);
        if (*reading.seq == UINT64_MAX) util::fail_input("--after '" + o.after + "': no sequence number follows it");
        return *reading.seq + 1;
    }
    return o.seq.value_or(1);
}

std::vector<std::string> next_ids(const device::IdTemplate& tmpl, uint64_t first, uint64_t count) {
    if (count == 0) return {};
    const std::string largest = std::to_string(tmpl.max_seq()) + ", the largest '" + tmpl.text() + "' holds";
    if (first > tmpl.max_seq())
        util::fail_input("sequence number " + std::to_string(first) + " is past " + largest);
    if (count - 1 > tmpl.max_seq() - first)
        util::fail_input(std::to_string(count) + " IDs from sequence number " + std::to_string(first) +
                         " run past " + largest);
    std::vector<std::string> ids;
    ids.reserve(count);
    for (uint64_t i = 0; i < count; ++i) ids.push_back(tmpl.render(first + i));
    return ids;
}

void print_next_ids(const device::IdTemplate& tmpl, uint64_t first, uint64_t count, Context& ctx) {
    auto ids = next_ids(tmpl, first, count);
    nlohmann::json doc = {{"schema", "provctl.id.next/v1"}, {"template", tmpl.text()}, {"ids", ids}};
    ctx.emit(doc, [&](std::ostream& out) {
        for (const auto& id : ids) out << id << '\n';
    });
}

void run_id_next(const IdNextOptions& o, Context& ctx) {
    auto tmpl = device::IdTemplate::parse(o.id_template);
    print_next_ids(tmpl, first_seq(o, tmpl), o.count, ctx);
}

void register_id_next(CLI::App& id, Context& ctx) {
    auto o = std::make_shared<IdNextOptions>();
    auto* sub = id.add_subcommand("next", "Print the next device IDs of a template, with their check characters");
    sub->add_option("--id-template", o->id_template, "ID template, e.g. SN-{seq:08}{check} (see docs/device-ids.md)")
        ->type_name("TEMPLATE")
        ->required();
    auto* after = sub->add_option("--after", o->after, "Start right after this ID (checked against the template)")
                      ->type_name("ID");
    // CLI11 would wrap "-1" round to 2^64-1 for an unsigned target.
    sub->add_option("--seq", o->seq, "Start at this sequence number (default 1)")
        ->check(CLI::NonNegativeNumber)
        ->type_name("N")
        ->excludes(after);
    sub->add_option("--count", o->count, "How many IDs to print (1 to 100000)")
        ->check(CLI::Range(uint64_t{1}, uint64_t{100000}))
        ->type_name("K")
        ->capture_default_str();
    sub->footer(help_footer(
        "  provctl id next --id-template 'SN-{seq:08}{check}'\n"
        "  provctl id next --id-template 'SN-{seq:08}{check}' --after SN-00000042G --count 10\n"
        "  provctl --json id next --id-template 'FAC7-{seq:06}{check}' --seq 1000\n"));
    sub->callback([o, &ctx] { run_id_next(*o, ctx); });
}

}  // namespace cmd
