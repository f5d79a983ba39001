#include "cmd/batch_options.hpp"

#include <unistd.h>

#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "cmd/progress_bar.hpp"

namespace cmd {

void add_batch_options(CLI::App& sub, BatchOptions& o) {
    sub.add_option("--id-template", o.id_template,
                   "Device ID template with check character, e.g. SN-{seq:08}{check} (docs/device-ids.md)")
        ->type_name("TEMPLATE");
    sub.add_option("--issuer-cert", o.issuer_cert, "Issuing CA certificate (PEM; may be followed by its chain)")
        ->required()
        ->type_name("FILE");
    sub.add_option("--issuer-key", o.issuer_key, "Issuing CA key: file:PATH or a pkcs11: URI")->required();
    add_key_access_options(sub, o.issuer_access, "issuer-", "issuer");
    sub.add_option("--chain", o.chain, "Certificates above the issuer, for chain.pem")->type_name("FILE");
    sub.add_option("--profile", o.profile, "Certificate profile: device (clientAuth, device ID in CN and SAN)")
        ->capture_default_str();
    sub.add_option("--subject", o.subject, "Fixed part of every subject, e.g. 'O=Acme,OU=Widgets' (CN is the device ID)");
    add_validity_options(sub, o.validity);
    sub.add_option("--out", o.out, "Batch folder: devices/, chain.pem, mapping.csv, mapping.jsonl")
        ->required()
        ->type_name("DIR");
    sub.add_option("--batch-id", o.batch_id, "Batch name recorded with every device")->required();
    sub.add_option("--sku", o.sku, "SKU recorded with every device");
    sub.add_option("--hw-revision", o.hw_revision, "Hardware revision recorded with every device");
    sub.add_option("--spec-version", o.spec_version, "Provisioning spec version recorded with every device");
    sub.add_option("--jobs", o.jobs, "Parallel workers (default: one per core)");
    add_registry_options(sub, o.registry);
}

batch::Request batch_request(const BatchOptions& o, Context& ctx) {
    if (o.profile != "device") util::fail_input("--profile: batches issue the device profile only, not '" + o.profile + "'");
    batch::Request req;
    req.out_dir = o.out;
    while (req.out_dir.size() > 1 && req.out_dir.back() == '/') req.out_dir.pop_back();
    req.batch_id = o.batch_id;
    req.issuer_cert_path = o.issuer_cert;
    req.chain_path = o.chain;
    req.issuer_key_ref = o.issuer_key;
    req.issuer_access = with_module(o.issuer_access, ctx);
    req.subject_prefix = o.subject;
    req.validity = o.validity.resolve(ctx, 365);
    req.sku = o.sku;
    req.hw_revision = o.hw_revision;
    req.spec_version = o.spec_version;
    unsigned cores = std::thread::hardware_concurrency();
    req.jobs = o.jobs != 0 ? o.jobs : (cores == 0 ? 1 : cores);
    req.actor = o.registry.actor();
    return req;
}

void run_batch(batch::Request& req, const BatchOptions& o, const std::string& verb, Context& ctx) {
    auto reg = o.registry.open(ctx);
    req.registry = reg.get();
    bool bar = !ctx.quiet && ::isatty(STDERR_FILENO) == 1;
    if (bar)
        req.progress = [&ctx](const batch::Progress& p) { draw_progress(*ctx.err, p.done, p.total, p.issued, p.seconds); };
    batch::Result r = batch::run(req);
    if (bar) *ctx.err << '\n';
    for (const auto& w : r.warnings) ctx.warn(w);

    nlohmann::json conflicts = nlohmann::json::array();
    for (const auto& c : r.conflict_list) conflicts.push_back({{"device_id", c.device_id}, {"reason", c.reason}});
    double rate = r.seconds > 0 ? static_cast<double>(r.issued) / r.seconds : 0;
    nlohmann::json doc = {
        {"schema", "provctl.batch." + verb + "/v1"},
        {"batch_id", req.batch_id},
        {"out", req.out_dir},
        {"issuer", r.issuer},
        {"planned", r.planned},
        {"issued", r.issued},
        {"present", r.present},
        {"conflicts", {{"count", r.conflicts}, {"devices", conflicts}}},
        {"key_format", r.key_format},
        {"files", {{"chain", r.chain_file}, {"mapping_csv", r.mapping_csv}, {"mapping_jsonl", r.mapping_jsonl}}},
        {"seconds", r.seconds},
        {"certificates_per_second", rate},
        {"warnings", r.warnings},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        out << "batch        " << req.batch_id << " in " << req.out_dir << '\n'
            << "issued       " << r.issued << " new, " << r.present << " already present, of " << r.planned << '\n';
        if (r.conflicts > 0) out << ctx.paint("conflicts", "31") << "    " << r.conflicts << " (not issued)\n";
        for (const auto& c : r.conflict_list) out << "  " << c.device_id << ": " << c.reason << '\n';
        if (r.conflicts > r.conflict_list.size())
            out << "  ... and " << r.conflicts - r.conflict_list.size() << " more\n";
        std::ostringstream secs, per_second;
        secs << std::fixed << std::setprecision(1) << r.seconds;
        per_second << std::fixed << std::setprecision(0) << rate << "/s";
        out << "mapping      " << req.out_dir << "/" << r.mapping_csv << ", " << req.out_dir << "/" << r.mapping_jsonl
            << '\n'
            << "time         " << secs.str() << " s (" << per_second.str() << ")\n";
    });
    if (r.conflicts > 0)
        throw util::Error(util::ExitCode::failed,
                          std::to_string(r.conflicts) + " device(s) of batch " + req.batch_id +
                              " were not issued because of conflicts (listed above); the rest is complete");
}

}  // namespace cmd
