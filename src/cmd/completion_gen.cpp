#include "cmd/completion_gen.hpp"

#include <map>

#include "device/sim_faults.hpp"
#include "pki/key.hpp"

namespace cmd {

namespace completion {

namespace {

// Words that hold only under one command (and the commands below it), by
// its path and the option name; checked before the table below, which they
// override. An empty list means free text: the same option name means
// something else there.
struct ScopedChoices {
    const char* path;
    const char* option;
    std::vector<std::string> choices;
};

const ScopedChoices* scoped_choices(const std::string& path, const std::string& name) {
    static const std::vector<ScopedChoices> table = {
        {"cloud aws", "--profile", {}},  // an AWS profile name, not a certificate profile
        {"cloud aws deactivate", "--status", {"INACTIVE", "REVOKED"}},
        {"cloud aws provisioning-template create", "--type", {"JITP", "FLEET_PROVISIONING"}},
    };
    for (const auto& s : table) {
        std::string p = s.path;
        if (name == s.option && (path == p || path.rfind(p + " ", 0) == 0)) return &s;
    }
    return nullptr;
}

// Values with a fixed set of words, by option (or positional) name, for the
// command at `path`. CLI11 does not know them: the commands check the words
// themselves.
std::vector<std::string> choices_for(const std::string& path, const std::string& name) {
    if (const ScopedChoices* scoped = scoped_choices(path, name)) return scoped->choices;
    static const std::map<std::string, std::vector<std::string>> table = {
        {"--key-type", {}},  // filled from pki::kKeyTypeChoices below
        {"--profile", {"device", "server"}},
        {"--purpose", {"client", "server", "any"}},
        {"--format", {"csv", "jsonl"}},  // registry export
        {"--state", {"manufactured", "stocked", "shipped", "activated", "returned", "refurbished", "quarantined",
                     "retired"}},
        {"shell", {"bash", "zsh", "fish"}},
        {"--only", {"warn", "crit", "expired"}},  // scan expiry
        {"--by", {"batch", "issuer", "month"}},
        {"--attestation", {"x509", "symmetric-key"}},  // cloud azure enroll
        {"--allocation", {"hashed", "static", "geoLatency"}},  // cloud azure enroll, enroll-group
        {"--provisioning-status", {"enabled", "disabled"}},
    };
    // "a, b, c" lists kept where the values are checked.
    auto split = [](const std::string& all) {
        std::vector<std::string> out;
        for (size_t start = 0; start < all.size();) {
            size_t end = all.find(", ", start);
            out.push_back(all.substr(start, end - start));
            start = end == std::string::npos ? all.size() : end + 2;
        }
        return out;
    };
    if (name == "--key-type") return split(pki::kKeyTypeChoices);
    if (name == "--fault") return split(device::fault_names());  // device simulate: the NAME part
    auto it = table.find(name);
    return it == table.end() ? std::vector<std::string>{} : it->second;
}

// Options whose value is a path. Options declared with type_name("FILE")
// are recognised without being listed here.
bool takes_path(const std::string& name) {
    static const char* const names[] = {"--out",  "--chain-out", "--csr",   "--issuer-cert", "--chain",
                                        "--cert", "--untrusted", "--trust", "--crl",         "--transcript",
                                        "--new-key", "--pkcs11-module"};
    for (const char* n : names)
        if (name == n) return true;
    return false;
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\t') c = ' ';
    return text;
}

ValueKind kind_of(const CLI::Option& opt, const std::string& path, const std::string& name,
                  std::vector<std::string>& choices) {
    if (opt.get_items_expected_max() == 0) return ValueKind::none;  // a flag
    // A FILE or PATH type wins over the choice table, which is keyed by the
    // option name alone: `device simulate --state FILE` is no registry state.
    std::string type = opt.get_type_name();
    if (type.rfind("FILE", 0) == 0 || type.rfind("PATH", 0) == 0) return ValueKind::file;
    choices = choices_for(path, name);
    if (!choices.empty()) return ValueKind::choice;
    if (takes_path(name)) return ValueKind::file;
    return ValueKind::text;
}

void add_command(const CLI::App& app, const std::string& path, std::vector<CommandModel>& out) {
    CommandModel cmd;
    cmd.path = path;
    cmd.description = one_line(app.get_description());
    for (const CLI::Option* opt : app.get_options()) {
        if (!opt->nonpositional()) {
            std::string name = opt->get_name(true);
            cmd.positional = kind_of(*opt, path, name, cmd.positional_choices);
            continue;
        }
        OptionModel m;
        for (const auto& l : opt->get_lnames()) m.longs.push_back("--" + l);
        for (const auto& s : opt->get_snames()) m.shorts.push_back("-" + s);
        m.description = one_line(opt->get_description());
        m.value = kind_of(*opt, path, m.longs.empty() ? std::string() : m.longs.front(), m.choices);
        m.repeatable = m.value != ValueKind::none && opt->get_expected_max() > 1;
        cmd.options.push_back(std::move(m));
    }
    auto subs = app.get_subcommands([](const CLI::App*) { return true; });
    for (const CLI::App* sub : subs) {
        cmd.children.push_back(sub->get_name());
        cmd.child_descriptions.push_back(one_line(sub->get_description()));
    }
    out.push_back(std::move(cmd));
    for (const CLI::App* sub : subs) add_command(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
}

}  // namespace

std::vector<CommandModel> model_of(const CLI::App& root) {
    std::vector<CommandModel> out;
    add_command(root, "", out);
    return out;
}

}  // namespace completion

std::optional<Shell> parse_shell(std::string_view name) {
    if (name == "bash") return Shell::bash;
    if (name == "zsh") return Shell::zsh;
    if (name == "fish") return Shell::fish;
    return std::nullopt;
}

std::string completion_script(const CLI::App& root, Shell shell) {
    auto model = completion::model_of(root);
    switch (shell) {
        case Shell::bash: return completion::bash_script(model);
        case Shell::zsh: return completion::zsh_script(model);
        case Shell::fish: return completion::fish_script(model);
    }
    return {};
}

}  // namespace cmd
