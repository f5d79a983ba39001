// The bash flavour of the generated completion script.
#include <sstream>

#include "cmd/completion_gen.hpp"

namespace cmd::completion {

namespace {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string value_word(ValueKind kind, const std::vector<std::string>& choices) {
    switch (kind) {
        case ValueKind::none: return "";
        case ValueKind::text: return "text";
        case ValueKind::file: return "file";
        case ValueKind::choice: return "choice " + join(choices);
    }
    return "";
}

}  // namespace

std::string bash_script(const std::vector<CommandModel>& commands) {
    const CommandModel& root = commands.front();
    std::ostringstream s;
    s << "# bash completion for provctl                              -*- shell-script -*-\n"
         "# Generated from the command tree by `provctl completion bash`; do not edit.\n"
         "# Regenerate: provctl completion bash > completions/provctl.bash\n\n";

    s << "# How option $2 at command path $1 takes a value: file, text, \"choice WORDS\",\n"
         "# or nothing for a flag. The global options are accepted at every path.\n"
         "_provctl_value() {\n    case \"$1|$2\" in\n";
    for (const auto& cmd : commands) {
        for (const auto& opt : cmd.options) {
            if (opt.value == ValueKind::none) continue;
            std::vector<std::string> names = opt.longs;
            names.insert(names.end(), opt.shorts.begin(), opt.shorts.end());
            std::string patterns;
            for (const auto& n : names)
                patterns += (patterns.empty() ? "" : " | ") + (&cmd == &root ? "*" + quoted("|" + n) : quoted(cmd.path + "|" + n));
            s << "        " << patterns << ") echo " << quoted(value_word(opt.value, opt.choices)) << " ;;\n";
        }
    }
    s << "    esac\n}\n\n";

    s << "# Subcommands at command path $1.\n_provctl_commands() {\n    case \"$1\" in\n";
    for (const auto& cmd : commands)
        if (!cmd.children.empty()) s << "        " << quoted(cmd.path) << ") echo " << quoted(join(cmd.children)) << " ;;\n";
    s << "    esac\n}\n\n";

    s << "# Options at command path $1: its own and the global ones.\n_provctl_options() {\n"
         "    local global=" << quoted([&] {
            std::vector<std::string> names;
            for (const auto& opt : root.options) names.insert(names.end(), opt.longs.begin(), opt.longs.end());
            return join(names);
        }()) << "\n    case \"$1\" in\n";
    for (const auto& cmd : commands) {
        if (&cmd == &root) continue;
        std::vector<std::string> names;
        for (const auto& opt : cmd.options)
            for (const auto& l : opt.longs)
                if (l != "--help") names.push_back(l);  // already among the global ones
        s << "        " << quoted(cmd.path) << ") echo " << quoted(join(names)) << " \"$global\" ;;\n";
    }
    s << "        *) echo \"$global\" ;;\n    esac\n}\n\n";

    s << "# What the arguments of command path $1 complete to.\n_provctl_positional() {\n    case \"$1\" in\n";
    for (const auto& cmd : commands)
        if (cmd.positional != ValueKind::none)
            s << "        " << quoted(cmd.path) << ") echo " << quoted(value_word(cmd.positional, cmd.positional_choices))
              << " ;;\n";
    s << "    esac\n}\n\n";

    s << R"SH(_provctl_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

_provctl() {
    local cur prev words cword split
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s -n : || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi

    # Find the command path typed so far, stepping over option values.
    local path="" word kind i
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        case $word in
            --*=*) ;;
            -*)
                kind=$(_provctl_value "$path" "$word")
                [[ -n $kind ]] && i=$((i + 1))
                ;;
            *)
                if [[ " $(_provctl_commands "$path") " == *" $word "* ]]; then
                    path=${path:+$path }$word
                fi
                ;;
        esac
    done

    if [[ $prev == -* ]]; then
        kind=$(_provctl_value "$path" "$prev")
        case $kind in
            file) _provctl_files "$cur"; return ;;
            choice*) COMPREPLY=($(compgen -W "${kind#choice }" -- "$cur")); return ;;
            text) COMPREPLY=(); return ;;
        esac
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_provctl_options "$path")" -- "$cur"))
        return
    fi
    local commands
    commands=$(_provctl_commands "$path")
    if [[ -n $commands ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    kind=$(_provctl_positional "$path")
    case $kind in
        file) _provctl_files "$cur" ;;
        choice*) COMPREPLY=($(compgen -W "${kind#choice }" -- "$cur")) ;;
    esac
}

complete -F _provctl provctl
)SH";
    return s.str();
}

}  // namespace cmd::completion
