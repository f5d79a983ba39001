#pragma once
// Shell completion scripts generated from the command tree, so they cannot
// drift from it: `provctl completion bash|zsh|fish` prints them and the
// committed files in completions/ are checked against them by the tests.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace cmd {

enum class Shell { bash, zsh, fish };

// "bash", "zsh", "fish"; nullopt otherwise.
std::optional<Shell> parse_shell(std::string_view name);

// The whole script for the tree under `root` (the app main() parses with).
std::string completion_script(const CLI::App& root, Shell shell);

namespace completion {

// What a value typed after an option (or as a positional) completes to.
enum class ValueKind { none, text, file, choice };

struct OptionModel {
    std::vector<std::string> longs;   // with the leading "--"
    std::vector<std::string> shorts;  // with the leading "-"
    std::string description;          // one line
    ValueKind value = ValueKind::none;
    std::vector<std::string> choices;
    bool repeatable = false;
};

struct CommandModel {
    std::string path;  // "" for the root, "ca init-root" below it
    std::string description;
    std::vector<std::string> children;  // names of direct subcommands
    std::vector<std::string> child_descriptions;
    std::vector<OptionModel> options;  // its own; the root's apply everywhere
    ValueKind positional = ValueKind::none;
    std::vector<std::string> positional_choices;
};

// Depth first, the root first.
std::vector<CommandModel> model_of(const CLI::App& root);

std::string bash_script(const std::vector<CommandModel>& commands);
std::string zsh_script(const std::vector<CommandModel>& commands);
std::string fish_script(const std::vector<CommandModel>& commands);

}  // namespace completion

}  // namespace cmd
