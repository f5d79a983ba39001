// provctl ca ceremony run: a root or intermediate ceremony from a YAML file,
// each step shown and confirmed, with a hash-chained transcript.
#include "cmd/ca_ceremony_run.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/options.hpp"
#include "manifest/ceremony.hpp"
#include "manifest/ceremony_run.hpp"
#include "util/secret.hpp"

namespace cmd {

namespace {

// Steps go to stderr; questions go to the terminal, or are answered by --yes.
class TerminalGate : public manifest::StepGate {
public:
    TerminalGate(const Context& ctx, bool yes) : ctx_(ctx), yes_(yes) {}
    void show(const std::string& text) override { ctx_.info(text); }
    bool approve(const std::string& question) override { return yes_ || util::confirm_on_terminal(question); }

private:
    const Context& ctx_;
    bool yes_;
};

}  // namespace

void run_ca_ceremony_run(const CaCeremonyRunOptions& o, Context& ctx) {
    manifest::Ceremony ceremony = manifest::load_ceremony(o.file);
    bool yes = o.yes || ctx.assume_yes;
    if (!yes && !util::have_terminal()) util::fail_input("no terminal to confirm steps; pass --yes");
    TerminalGate gate(ctx, yes);
    manifest::RunSettings settings{o.transcript, o.force, ctx.pkcs11_module, ctx.pkcs11_modules};
    manifest::CeremonyOutcome outcome = manifest::run_ceremony(ceremony, settings, gate, *ctx.clock);

    const pki::Issued& issued = outcome.issued;
    nlohmann::json doc = {
        {"schema", "provctl.ca.ceremony.run/v1"},
        {"ceremony", ceremony.name},
        {"type", manifest::ceremony_type_name(ceremony.type)},
        {"certificate", cert_summary(issued.cert.get(), issued.cert_path)},
        {"chain", issued.chain_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(issued.chain_path)},
        {"key", issued.key_ref},
        {"transcript", outcome.transcript},
        {"head", outcome.head},
        {"steps", outcome.steps},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        const auto& c = doc["certificate"];
        out << "ceremony     " << ceremony.name << " (" << doc["type"].get<std::string>() << ")\n"
            << "certificate  " << issued.cert_path << '\n';
        if (!issued.chain_path.empty()) out << "chain        " << issued.chain_path << '\n';
        out << "key          " << issued.key_ref << '\n'
            << "subject      " << c["subject"].get<std::string>() << '\n'
            << "issuer       " << c["issuer"].get<std::string>() << '\n'
            << "serial       " << c["serial"].get<std::string>() << '\n'
            << "valid        " << c["not_before"].get<std::string>() << " to " << c["not_after"].get<std::string>() << '\n'
            << "sha256       " << issued.sha256 << '\n'
            << "transcript   " << outcome.transcript << " (" << outcome.steps.size() << " entries)\n"
            << "head         " << outcome.head << "  (write this down: it seals the transcript)\n";
    });
}

void register_ca_ceremony_run(CLI::App& ceremony, Context& ctx) {
    auto o = std::make_shared<CaCeremonyRunOptions>();
    auto* sub = ceremony.add_subcommand("run", "Run a root or intermediate CA ceremony described in a YAML file");
    sub->add_option("file", o->file, "The ceremony file (YAML, see docs/ceremony.md)")->required();
    sub->add_flag("--yes", o->yes, "Confirm every step without asking (scripts; no terminal needed)");
    sub->add_flag("--force", o->force, "Replace existing output files and transcript");
    sub->add_option("--transcript", o->transcript, "Write the transcript here instead of the file's outputs.transcript");
    sub->footer(help_footer(
        "  ROOT_PASS=... provctl ca ceremony run ceremony-root.yaml\n"
        "  ROOT_PASS=... INT_PASS=... provctl ca ceremony run ceremony-intermediate.yaml --yes --json\n"
        "  provctl ca ceremony verify root-ceremony.jsonl\n",
        "  0  the ceremony completed; the transcript ends with a 'complete' entry\n"
        "  1  the operator declined a step, or a step failed (I/O, token, signing)\n"
        "  2  bad input: the ceremony file (every problem listed with its line), an existing\n"
        "     output, no terminal and no --yes (nothing written); or a passphrase or PIN\n"
        "     refused during a step\n"
        "  Once the transcript has begun, a failure ends it with an 'aborted' entry.\n"));
    sub->callback([o, &ctx] { run_ca_ceremony_run(*o, ctx); });
}

}  // namespace cmd
