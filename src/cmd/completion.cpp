// provctl completion: prints a completion script generated from the live
// command tree (see completion_gen.hpp).
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/completion_gen.hpp"

namespace cmd {

namespace {

void run_completion(const std::string& shell_name, const CLI::App& root, Context& ctx) {
    auto shell = parse_shell(shell_name);
    if (!shell) util::fail_input("completion: unknown shell '" + shell_name + "' (bash, zsh or fish)");
    std::string script = completion_script(root, *shell);
    nlohmann::json doc = {{"schema", "provctl.completion/v1"}, {"shell", shell_name}, {"script", script}};
    ctx.emit(doc, [&](std::ostream& out) { out << script; });
}

}  // namespace

void register_completion(CLI::App& app, Context& ctx) {
    auto shell = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("completion", "Print a shell completion script for bash, zsh or fish");
    sub->add_option("shell", *shell, "bash, zsh or fish")->required();
    sub->footer(help_footer(
        "  provctl completion bash > ~/.local/share/bash-completion/completions/provctl\n"
        "  provctl completion zsh > \"${fpath[1]}/_provctl\"\n"
        "  provctl completion fish > ~/.config/fish/completions/provctl.fish\n"));
    // The root app outlives its subcommands' callbacks, so capturing it is safe.
    sub->callback([shell, &app, &ctx] { run_completion(*shell, app, ctx); });
}

}  // namespace cmd
