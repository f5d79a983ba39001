// provctl cert inspect: what certificates and requests say, for people and scripts.
#include "cmd/cert_inspect.hpp"

#include "cmd/commands.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace cmd {

std::vector<InspectedItem> inspect_files(const std::vector<std::string>& files, int64_t at) {
    std::vector<InspectedItem> items;
    std::string first_failure;
    std::vector<std::string> other_failures;
    for (const auto& file : files) {
        std::vector<pki::InspectObject> objects;
        try {
            objects = pki::read_inspectable(file);
        } catch (const util::Error& e) {
            if (e.code() != util::ExitCode::usage) throw;
            // Keep reading: the error names every unreadable file at once.
            if (first_failure.empty()) first_failure = e.what();
            else other_failures.push_back(file);
            continue;
        }
        for (size_t i = 0; i < objects.size(); ++i) {
            InspectedItem item{util::valid_utf8(file), i, pki::CsrInfo{}};
            if (objects[i].cert) item.info = pki::inspect_certificate(objects[i].cert.get(), at);
            else item.info = pki::inspect_csr(objects[i].csr.get());
            items.push_back(std::move(item));
        }
    }
    if (!first_failure.empty()) {
        std::string more;
        for (const auto& f : other_failures) more += (more.empty() ? "" : ", ") + f;
        if (!more.empty())
            first_failure += " (also unreadable: " + more + ")";
        util::fail_input(first_failure);
    }
    return items;
}

nlohmann::json inspect_document(const std::vector<InspectedItem>& items, int64_t at) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : items) {
        nlohmann::json j;
        std::visit([&](const auto& info) { j = info; }, item.info);
        j["file"] = item.file;
        j["index"] = item.index;
        j["kind"] = std::holds_alternative<pki::CertInfo>(item.info) ? "certificate" : "csr";
        list.push_back(std::move(j));
    }
    return {{"schema", "provctl.cert.inspect/v1"}, {"at", util::format_rfc3339(at)}, {"items", list}};
}

void run_cert_inspect(const CertInspectOptions& o, Context& ctx) {
    int64_t at = o.at.empty() ? ctx.clock->now() : util::parse_time_arg(o.at, "--at");
    auto items = inspect_files(o.files, at);
    ctx.emit(inspect_document(items, at), [&](std::ostream& out) { render_inspect(out, items, at, ctx); });
}

void register_cert_inspect(CLI::App& cert, Context& ctx) {
    auto o = std::make_shared<CertInspectOptions>();
    auto* sub = cert.add_subcommand("inspect", "Show what certificates and signing requests say");
    sub->add_option("files", o->files,
                    "Certificate or request files: PEM (any number of blocks, certificates and requests mixed) or DER")
        ->required()
        ->type_name("FILE");
    sub->add_option("--at", o->at, "Count days left from this time instead of now (RFC 3339 or YYYY-MM-DD, UTC)");
    sub->footer(help_footer(
        "  provctl cert inspect dev.crt\n"
        "  provctl cert inspect dev-chain.pem dev.csr --at 2027-01-01\n"
        "  provctl --json cert inspect root.crt | jq -r '.items[0].sha256'\n",
        "  0  every file was read and shown\n"
        "  2  usage error, or a file cannot be read or holds no certificate or request\n"
        "     (every file is read before anything is printed, so nothing is printed then)\n"));
    sub->callback([o, &ctx] { run_cert_inspect(*o, ctx); });
}

}  // namespace cmd
