// The fish flavour of the generated completion script: one `complete` line
// per option and subcommand, guarded by the command path typed so far.
#include <sstream>

#include "cmd/completion_gen.hpp"

namespace cmd::completion {

namespace {

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

// -r: needs a value; -F: files; -x: a value but no files.
std::string value_flags(ValueKind kind, const std::vector<std::string>& choices) {
    switch (kind) {
        case ValueKind::none: return "";
        case ValueKind::text: return " -x";
        case ValueKind::file: return " -r -F";
        case ValueKind::choice: return " -x -a " + quoted(join(choices));
    }
    return "";
}

void option_lines(std::ostream& s, const std::string& guard, const std::vector<OptionModel>& options) {
    for (const auto& opt : options) {
        s << "complete -c provctl" << guard;
        for (const auto& sh : opt.shorts) s << " -s " << sh.substr(1);
        for (const auto& l : opt.longs) s << " -l " << l.substr(2);
        s << value_flags(opt.value, opt.choices) << " -d " << quoted(opt.description) << "\n";
    }
}

}  // namespace

std::string fish_script(const std::vector<CommandModel>& commands) {
    const CommandModel& root = commands.front();
    std::ostringstream s;
    s << "# fish completion for provctl.\n"
         "# Generated from the command tree by `provctl completion fish`; do not edit.\n"
         "# Regenerate: provctl completion fish > completions/provctl.fish\n\n";

    s << "# Every command path.\nfunction __provctl_paths\n";
    for (const auto& cmd : commands)
        if (&cmd != &root) s << "    echo " << quoted(cmd.path) << "\n";
    s << "end\n\n";

    s << "# Whether option $argv[2] at command path $argv[1] takes a value.\n"
         "function __provctl_takes_value\n    switch \"$argv[1]|$argv[2]\"\n";
    for (const auto& cmd : commands) {
        for (const auto& opt : cmd.options) {
            if (opt.value == ValueKind::none) continue;
            std::vector<std::string> names = opt.longs;
            names.insert(names.end(), opt.shorts.begin(), opt.shorts.end());
            for (const auto& n : names)
                s << "        case " << (&cmd == &root ? "'*|" + n + "'" : quoted(cmd.path + "|" + n)) << "\n            return 0\n";
        }
    }
    s << "    end\n    return 1\nend\n\n";

    s << R"SH(# The command path typed so far ("ca init-root"), stepping over option values.
function __provctl_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path ''
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case '--*=*'
            case '-*'
                if __provctl_takes_value "$path" $token
                    set skip 1
                end
            case '*'
                set -l next $token
                if test -n "$path"
                    set next "$path $token"
                end
                if contains -- $next (__provctl_paths)
                    set path $next
                end
        end
    end
    echo $path
end

function __provctl_at
    set -l path (__provctl_path)
    test "$path" = "$argv[1]"
end

complete -c provctl -f

# Global options, accepted after any subcommand too.
)SH";
    option_lines(s, "", root.options);
    for (const auto& cmd : commands) {
        std::string guard = " -n " + quoted("__provctl_at " + std::string("\"") + cmd.path + "\"");
        if (!cmd.children.empty()) {
            s << "\n# " << (cmd.path.empty() ? "provctl" : "provctl " + cmd.path) << ": subcommands\n";
            for (size_t i = 0; i < cmd.children.size(); ++i)
                s << "complete -c provctl" << guard << " -a " << quoted(cmd.children[i]) << " -d "
                  << quoted(cmd.child_descriptions[i]) << "\n";
        }
        if (&cmd == &root) continue;
        std::vector<OptionModel> own;
        for (const auto& opt : cmd.options)
            if (opt.longs != std::vector<std::string>{"--help"}) own.push_back(opt);
        if (own.empty() && cmd.positional == ValueKind::none) continue;
        s << "\n# provctl " << cmd.path << "\n";
        option_lines(s, guard, own);
        if (cmd.positional == ValueKind::file) s << "complete -c provctl" << guard << " -F\n";
        if (cmd.positional == ValueKind::choice)
            s << "complete -c provctl" << guard << " -x -a " << quoted(join(cmd.positional_choices)) << "\n";
    }
    return s.str();
}

}  // namespace cmd::completion
