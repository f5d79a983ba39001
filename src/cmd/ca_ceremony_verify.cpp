// provctl ca ceremony verify: checks a ceremony transcript's hash chain and
// that every output it records is still on disk as recorded.
#include "cmd/ca_ceremony_verify.hpp"

#include <filesystem>
#include <ostream>

#include "cmd/commands.hpp"
#include "manifest/transcript.hpp"

namespace cmd {

namespace {

// "transcript.jsonl:3: ..." for a line, "dir/root.crt: ..." for an output
// (named from where the user stands, not from the transcript's folder).
std::string where(const manifest::TranscriptProblem& p, const std::string& transcript) {
    if (!p.path.empty()) {
        std::filesystem::path base = std::filesystem::path(transcript).parent_path();
        return p.path.front() == '/' ? p.path : (base / p.path).lexically_normal().string();
    }
    return p.line > 0 ? transcript + ":" + std::to_string(p.line) : transcript;
}

}  // namespace

void run_ca_ceremony_verify(const CaCeremonyVerifyOptions& o, Context& ctx) {
    manifest::TranscriptReport report = manifest::verify_transcript(o.file);
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : report.problems)
        problems.push_back({{"line", p.line > 0 ? nlohmann::json(p.line) : nlohmann::json(nullptr)},
                            {"path", p.path.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.path)},
                            {"message", p.message}});
    nlohmann::json doc = {
        {"schema", "provctl.ca.ceremony.verify/v1"},
        {"transcript", o.file},
        {"valid", report.valid()},
        {"ceremony", report.ceremony.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.ceremony)},
        {"status", report.status},
        {"entries", report.entries},
        {"head", report.head},
        {"checked", report.checked},
        {"skipped", report.skipped},
        {"problems", problems},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        out << "transcript  " << o.file << '\n'
            << "ceremony    " << (report.ceremony.empty() ? "?" : report.ceremony) << '\n'
            << "entries     " << report.entries << " (" << report.status << ")\n"
            << "head        " << report.head << '\n'
            << "outputs     " << report.checked.size() << " as recorded";
        if (!report.skipped.empty()) out << ", " << report.skipped.size() << " token keys not checkable here";
        out << '\n';
        for (const auto& p : report.problems) out << "problem     " << where(p, o.file) << ": " << p.message << '\n';
        out << "result      "
            << (report.valid() ? ctx.paint("intact", "32") : ctx.paint("DOES NOT MATCH", "31")) << '\n';
    });
    if (!report.valid()) {
        auto n = report.problems.size();
        throw util::Error(util::ExitCode::verify_failed,
                          o.file + ": the transcript or its outputs do not match (" + std::to_string(n) +
                              (n == 1 ? " problem" : " problems") + ", first: " + where(report.problems.front(), o.file) +
                              ": " + report.problems.front().message + ")");
    }
}

void register_ca_ceremony_verify(CLI::App& ceremony, Context& ctx) {
    auto o = std::make_shared<CaCeremonyVerifyOptions>();
    auto* sub = ceremony.add_subcommand("verify", "Check a ceremony transcript's hash chain and the outputs it records");
    sub->add_option("file", o->file, "The transcript (JSON lines) written by 'ca ceremony run'")->required();
    sub->footer(help_footer(
        "  provctl ca ceremony verify root-ceremony.jsonl\n"
        "  provctl --json ca ceremony verify /media/ceremony/widgets-ceremony.jsonl\n",
        "  0  the transcript is intact and every recorded output matches\n"
        "  2  bad input: the transcript cannot be read\n"
        "  3  the transcript or its outputs do not match (each problem is listed)\n"));
    sub->callback([o, &ctx] { run_ca_ceremony_verify(*o, ctx); });
}

}  // namespace cmd
