// provctl manifest validate: are these provisioning job and ceremony files
// right, and if not, every problem with its line.
#include "cmd/manifest_validate.hpp"

#include <algorithm>
#include <ostream>

#include "cmd/commands.hpp"

namespace cmd {

nlohmann::json manifest_validate_document(const std::vector<manifest::ManifestCheck>& checks) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& c : checks) {
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& p : c.problems)
            problems.push_back({{"line", p.line > 0 ? nlohmann::json(p.line) : nlohmann::json(nullptr)},
                                {"message", p.message}});
        files.push_back({
            {"file", c.file},
            {"kind", c.kind ? nlohmann::json(manifest::manifest_kind_name(*c.kind)) : nlohmann::json(nullptr)},
            {"valid", c.valid()},
            {"problems", problems},
        });
    }
    return {{"schema", "provctl.manifest.validate/v1"}, {"files", files}};
}

std::vector<manifest::ManifestCheck> run_manifest_validate(const ManifestValidateOptions& o, Context& ctx) {
    std::vector<manifest::ManifestCheck> checks;
    for (const auto& file : o.files) {
        checks.push_back(manifest::validate_manifest(file));
        // Problems are diagnostics: stderr, as compilers print them, with or without --json.
        if (!checks.back().problems.empty()) *ctx.err << manifest::format_problems(file, checks.back().problems) << '\n';
    }
    ctx.err->flush();
    std::function<void(std::ostream&)> human;
    if (!ctx.quiet) {
        human = [&](std::ostream& out) {
            for (const auto& c : checks) {
                if (c.valid()) {
                    out << c.file << ": " << ctx.paint("valid", "32") << ' ' << c.summary << '\n';
                } else {
                    auto n = c.problems.size();
                    out << c.file << ": " << ctx.paint("not valid", "31") << " (" << n << (n == 1 ? " problem" : " problems")
                        << (c.kind ? std::string(", ") + manifest::manifest_kind_name(*c.kind) : std::string()) << ")\n";
                }
            }
        };
    }
    ctx.emit(manifest_validate_document(checks), human);
    return checks;
}

void register_manifest_validate(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<ManifestValidateOptions>();
    auto* sub = group.add_subcommand("validate", "Check provisioning job and ceremony files, reporting every problem");
    sub->add_option("files", o->files, "YAML files: provisioning jobs (kind: provisioning-job) or ceremonies")
        ->required()
        ->type_name("FILE");
    sub->footer(help_footer(
        "  provctl manifest validate job.yaml\n"
        "  provctl manifest validate examples/ceremony-root.yaml examples/ceremony-intermediate.yaml\n"
        "  provctl --json manifest validate /srv/station/jobs/*.yaml\n",
        "  0  every file is valid\n"
        "  1  the check could not run\n"
        "  2  usage error, or at least one file has problems (each is printed as file:line: message)\n"));
    sub->callback([o, &ctx] {
        auto checks = run_manifest_validate(*o, ctx);
        auto bad = std::count_if(checks.begin(), checks.end(), [](const manifest::ManifestCheck& c) { return !c.valid(); });
        if (bad > 0)
            throw util::Error(util::ExitCode::usage,
                              std::to_string(bad) + " of " + std::to_string(checks.size()) + " manifest files not valid");
    });
}

}  // namespace cmd
