// The zsh flavour of the generated completion script: one function per
// command path, each an _arguments call that hands the remaining words to
// the function of the chosen subcommand.
#include <sstream>

#include "cmd/completion_gen.hpp"

namespace cmd::completion {

namespace {

// Inside single quotes and inside the [...] of an _arguments spec.
std::string escape_help(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\'') out += "'\\''";
        else if (c == '\\' || c == '[' || c == ']' || c == ':' || c == '$' || c == '`') out += std::string("\\") + c;
        else out += c;
    }
    return out;
}

// Inside single quotes only (names and descriptions given to _describe).
std::string single_quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string function_name(const std::string& path) {
    std::string name = path.empty() ? "_provctl" : "_provctl__";
    for (char c : path) name += c == ' ' ? std::string("__") : c == '-' ? std::string("_") : std::string(1, c);
    return name;
}

std::string action(ValueKind kind, const std::vector<std::string>& choices) {
    switch (kind) {
        case ValueKind::none: return "";
        case ValueKind::text: return ":value: ";
        case ValueKind::file: return ":file:_files";
        case ValueKind::choice: {
            std::string words;
            for (const auto& c : choices) words += (words.empty() ? "" : " ") + escape_help(c);
            return ":value:(" + words + ")";
        }
    }
    return "";
}

void option_specs(std::ostream& s, const std::vector<OptionModel>& options) {
    for (const auto& opt : options) {
        std::vector<std::string> names = opt.shorts;
        names.insert(names.end(), opt.longs.begin(), opt.longs.end());
        std::string help = "[" + escape_help(opt.description) + "]" + action(opt.value, opt.choices);
        std::string repeat = opt.repeatable ? "*" : "";
        // A value may follow the option as the next word or after '='.
        std::string suffix = opt.value != ValueKind::none ? "=" : "";
        if (names.size() == 1) {
            s << "        '" << repeat << names[0] << suffix << help << "' \\\n";
        } else {
            std::string all;
            for (const auto& n : names) all += (all.empty() ? "" : " ") + n;
            std::string braces;
            for (const auto& n : names) braces += (braces.empty() ? "" : ",") + n + suffix;
            s << "        '(" << all << ")'{" << braces << "}'" << help << "' \\\n";
        }
    }
}

}  // namespace

std::string zsh_script(const std::vector<CommandModel>& commands) {
    const CommandModel& root = commands.front();
    std::ostringstream s;
    s << "#compdef provctl\n"
         "# zsh completion for provctl.\n"
         "# Generated from the command tree by `provctl completion zsh`; do not edit.\n"
         "# Regenerate: provctl completion zsh > completions/_provctl\n";
    for (const auto& cmd : commands) {
        std::string fn = function_name(cmd.path);
        s << "\n" << fn << "() {\n";
        if (&cmd == &root) s << "    typeset -A opt_args\n";
        s << "    local curcontext=\"$curcontext\" state line ret=1\n"
          << "    _arguments -C -s \\\n";
        option_specs(s, cmd.options);
        if (&cmd != &root) {
            // The global options are accepted after any subcommand too.
            std::vector<OptionModel> globals;
            for (const auto& opt : root.options)
                if (opt.longs != std::vector<std::string>{"--help"}) globals.push_back(opt);
            option_specs(s, globals);
        }
        if (!cmd.children.empty()) {
            s << "        ': :" << fn << "_commands' \\\n"
              << "        '*:: :->command' && ret=0\n"
              << "    case $state in\n        command)\n"
              << "            curcontext=\"${curcontext%:*:*}:provctl-$words[1]:\"\n"
              << "            case $words[1] in\n";
            for (const auto& child : cmd.children) {
                std::string child_path = cmd.path.empty() ? child : cmd.path + " " + child;
                s << "                " << child << ") " << function_name(child_path) << " && ret=0 ;;\n";
            }
            s << "            esac\n            ;;\n    esac\n    return ret\n}\n";
            s << "\n" << fn << "_commands() {\n    local -a commands=(\n";
            for (size_t i = 0; i < cmd.children.size(); ++i)
                s << "        " << single_quoted(cmd.children[i] + ":" + cmd.child_descriptions[i]) << "\n";
            s << "    )\n    _describe -t commands 'provctl " << (cmd.path.empty() ? "" : cmd.path + " ")
              << "command' commands\n}\n";
        } else {
            if (cmd.positional != ValueKind::none)
                s << "        '*" << action(cmd.positional, cmd.positional_choices) << "' \\\n";
            s << "        && ret=0\n    return ret\n}\n";
        }
    }
    s << "\nif [ \"$funcstack[1]\" = \"_provctl\" ]; then\n    _provctl \"$@\"\nelse\n    compdef _provctl provctl\nfi\n";
    return s.str();
}

}  // namespace cmd::completion
