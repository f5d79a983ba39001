// provctl scan expiry: every certificate in files, folders, the registry and
// live TLS endpoints, classed by the time it has left. Its exit codes follow
// the monitoring-plugin convention, unlike every other command.
#include "cmd/scan_expiry.hpp"

#include <iostream>

#include "cmd/commands.hpp"
#include "registry/registry.hpp"
#include "scan/sources.hpp"
#include "util/duration.hpp"

namespace cmd {
namespace {

scan::GroupBy parse_by(const std::string& by) {
    if (by.empty()) return scan::GroupBy::none;
    if (by == "batch") return scan::GroupBy::batch;
    if (by == "issuer") return scan::GroupBy::issuer;
    if (by == "month") return scan::GroupBy::month;
    util::fail_input("--by must be batch, issuer or month, not '" + by + "'");
}

}  // namespace

ScanExit run_scan_expiry(const ScanExpiryOptions& o, Context& ctx) {
    if (o.paths.empty() && o.registry.empty() && o.tls.empty())
        util::fail_input("nothing to scan: give files or folders, --registry URL or --tls HOST:PORT");
    if (o.csv && ctx.json) util::fail_input("--csv and --json: choose one");
    scan::Policy policy;
    policy.at = o.at.empty() ? ctx.clock->now() : util::parse_time_arg(o.at, "--at");
    policy.warn = util::parse_duration_arg(o.warn, "--warn");
    policy.crit = util::parse_duration_arg(o.crit, "--crit");
    if (policy.crit > policy.warn) util::fail_input("--crit (" + o.crit + ") must not be longer than --warn (" + o.warn + ")");
    int64_t timeout = util::parse_duration_arg(o.connect_timeout, "--connect-timeout");
    scan::Status listed = scan::Status::ok;
    if (!o.only.empty()) {
        auto s = scan::parse_status(o.only);
        if (!s || *s == scan::Status::ok) util::fail_input("--only must be warn, crit or expired, not '" + o.only + "'");
        listed = *s;
    }
    scan::GroupBy by = parse_by(o.by);
    if (by == scan::GroupBy::batch && o.registry.empty())
        util::fail_input("--by batch needs --registry: only the registry knows batches");

    // The fleet view counts and lists nothing unless --only asks for it, so a
    // fleet of millions is counted in the memory of its fingerprints.
    std::optional<scan::Status> keep = listed;
    if (by != scan::GroupBy::none && o.only.empty()) keep.reset();
    scan::Collector found(policy, keep, by);
    std::unique_ptr<registry::Registry> reg;
    if (!o.registry.empty()) reg = registry::open_registry(o.registry, *ctx.clock);
    if (!o.tls.empty()) scan::scan_tls(o.tls, timeout * 1000, found);
    scan::FileScanOptions files;
    files.follow_symlinks = o.follow_symlinks;
    files.jobs = o.jobs;
    scan::scan_paths(o.paths, files, found);
    if (reg) scan::scan_registry(*reg, found);

    ScanReport report;
    report.policy = policy;
    report.by = by;
    report.summary = found.summary();
    report.findings = found.take_findings();
    report.problems = found.problems();
    report.fleet = found.fleet();
    if (ctx.json)
        write_scan_json(*ctx.out, report);
    else if (o.csv)
        write_scan_csv(*ctx.out, report);
    else if (!ctx.quiet)
        write_scan_table(*ctx.out, report, ctx);
    ctx.out->flush();
    return scan_exit(report.summary);
}

void register_scan_expiry(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<ScanExpiryOptions>();
    auto* sub = group.add_subcommand("expiry", "Find certificates that are expired or about to expire");
    sub->add_option("paths", o->paths, "Certificate files and folders (PEM, DER, PKCS#7, PKCS#12), read recursively")
        ->type_name("FILE");
    sub->add_option("--registry", o->registry, "Also scan every active certificate in this registry (sqlite:PATH or postgresql://...)");
    sub->add_option("--tls", o->tls, "Also scan the chain a TLS server presents (HOST:PORT; repeat for more)");
    sub->add_option("--warn", o->warn, "Warning window before not_after (s, m, h, d, w)")->capture_default_str();
    sub->add_option("--crit", o->crit, "Critical window before not_after (s, m, h, d, w)")->capture_default_str();
    sub->add_option("--at", o->at, "Classify as of this time (RFC 3339 or YYYY-MM-DD; default now)");
    sub->add_option("--connect-timeout", o->connect_timeout, "Bound on connecting to and handshaking with each TLS endpoint")
        ->capture_default_str();
    sub->add_option("--only", o->only, "List only what needs action: warn (warning or worse), crit (critical or worse), expired");
    sub->add_option("--by", o->by, "Fleet view: certificates running out per month, by batch, issuer or month");
    sub->add_flag("--csv", o->csv, "Print CSV (one row per certificate or problem) instead of a table");
    sub->add_flag("--follow-symlinks", o->follow_symlinks, "Follow symbolic links in folders (a folder reached twice is read once)");
    sub->add_option("--jobs", o->jobs, "Files read in parallel (default: one per core)");
    sub->footer(help_footer(
        "  provctl scan expiry /etc/ssl/devices --warn 30d --crit 7d\n"
        "  provctl scan expiry --registry sqlite:provctl.db --only warn --json\n"
        "  provctl scan expiry --tls mqtt.example.com:8883 --tls api.example.com:443\n"
        "  provctl scan expiry --registry postgresql://prov@db.example/registry --by batch\n",
        "  0  nothing expires within the warning window\n"
        "  1  something expires within the warning window (WARNING)\n"
        "  2  something is expired or within the critical window (CRITICAL)\n"
        "  3  the scan could not run: usage error, or no readable input (UNKNOWN)\n"));
    sub->callback([o, &ctx] {
        ScanExit code;
        try {
            code = run_scan_expiry(*o, ctx);
        } catch (const std::exception& e) {
            // Monitoring reads 1 and 2 as findings: a scan that could not run is UNKNOWN.
            throw util::Error(static_cast<util::ExitCode>(ScanExit::unknown), e.what());
        }
        if (code != ScanExit::ok) throw util::Error(static_cast<util::ExitCode>(code), "");
    });
}

}  // namespace cmd
