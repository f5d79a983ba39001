#include "cmd/cloud_options.hpp"

#include <unistd.h>

#include <chrono>
#include <map>
#include <cstdlib>
#include <mutex>
#include <ostream>

#include "cloud/aws_iot.hpp"
#include "cloud/sas.hpp"
#include "cmd/progress_bar.hpp"
#include "util/atomic_file.hpp"
#include "util/duration.hpp"
#include "util/secret.hpp"
#include "util/text.hpp"

namespace cmd {

void add_cloud_run_options(CLI::App& sub, CloudRunOptions& o, bool targets, bool registry) {
    if (targets) {
        sub.add_option("--device", o.devices, "Device ID from the registry (repeatable)")->type_name("ID");
        sub.add_option("--batch", o.batch, "Every device of this batch that holds an active certificate")
            ->type_name("NAME");
    }
    sub.add_option("--rate", o.rate, "Requests per second for each API, e.g. 5/s (default: below the provider's limits)")
        ->type_name("N/s");
    if (registry) sub.add_option("--jobs", o.jobs, "Devices worked on at once")->capture_default_str();
    sub.add_option("--tries", o.tries, "Tries per request on throttling, 5xx and connection errors")
        ->capture_default_str();
    sub.add_flag("--dry-run", o.dry_run, "Print the requests as JSON (no credentials), send nothing, change nothing");
    if (registry) add_registry_options(sub, o.registry);
}

std::optional<double> parse_rate(const std::string& text) {
    if (text.empty()) return std::nullopt;
    std::string number = text;
    if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0) number.resize(number.size() - 2);
    char* end = nullptr;
    double v = std::strtod(number.c_str(), &end);
    if (number.empty() || end == nullptr || *end != '\0' || !(v > 0) || v > 10000)
        util::fail_input("--rate '" + text + "': expected requests per second, e.g. 5/s or 0.5/s");
    return v;
}

void add_aws_options(CLI::App& sub, AwsOptions& o, const std::string& prefix) {
    sub.add_option("--" + prefix + "profile", o.profile,
                   "AWS profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)");
    sub.add_option("--" + prefix + "region", o.region, "AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's)");
    sub.add_option("--" + prefix + "endpoint-url", o.endpoint_url,
                   "Send to this endpoint instead of https://iot.REGION.amazonaws.com")
        ->type_name("URL");
}

void check_dps_placement(const std::string& allocation, const std::string& provisioning_status, size_t iot_hubs) {
    if (!allocation.empty() && allocation != "hashed" && allocation != "static" && allocation != "geoLatency")
        util::fail_input("--allocation '" + allocation + "': use hashed, static or geoLatency");
    if (provisioning_status != "enabled" && provisioning_status != "disabled")
        util::fail_input("--provisioning-status '" + provisioning_status + "': use enabled or disabled");
    if (allocation == "static" && iot_hubs != 1) util::fail_input("--allocation static needs exactly one --iot-hub");
}

void add_azure_options(CLI::App& sub, AzureOptions& o) {
    sub.add_option("--connection-string", o.connection_string,
                   "DPS connection string: env:NAME or file:PATH (default: $AZURE_DPS_CONNECTION_STRING)");
    sub.add_option("--endpoint", o.endpoint, "Send to this endpoint instead of https://HOST from the connection string")
        ->type_name("URL");
    sub.add_option("--sas-ttl", o.sas_ttl, "Lifetime of each request's SharedAccessSignature")->capture_default_str();
}

namespace {

cloud::Caller::Config caller_config(const CloudRunOptions& run, CloudSession& s) {
    if (run.tries < 1 || run.tries > 50) util::fail_input("--tries " + std::to_string(run.tries) + ": use 1 to 50");
    if (run.jobs < 1 || run.jobs > 256) util::fail_input("--jobs " + std::to_string(run.jobs) + ": use 1 to 256");
    cloud::Caller::Config c;
    c.backoff.max_tries = run.tries;
    if (run.dry_run) {
        s.dry_run = std::make_unique<cloud::DryRunLog>();
        c.dry_run = s.dry_run.get();
    }
    return c;
}

}  // namespace

CloudSession open_aws_session(const AwsOptions& aws, const CloudRunOptions& run, Context& ctx) {
    CloudSession s;
    cloud::Caller::Config config = caller_config(run, s);
    auto env = cloud::process_env();
    if (run.dry_run) {
        // No credentials needed to show what would be sent; the region still shapes the URLs.
        std::string region = aws.region;
        for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"})
            if (region.empty()) region = env(name).value_or("");
        if (region.empty()) {
            try {
                region = cloud::find_aws_credentials(aws.profile, aws.region, env).region;
            } catch (const util::Error&) {
                util::fail_input("no AWS region: give --region, set AWS_REGION, or use a profile that names one");
            }
        }
        s.scope = region;
    } else {
        s.aws = std::make_unique<cloud::AwsCredentials>(cloud::find_aws_credentials(aws.profile, aws.region, env));
        s.scope = s.aws->region;
        s.sigv4 = std::make_unique<cloud::SigV4>();
        s.sigv4->access_key_id = s.aws->access_key_id;
        s.sigv4->secret_access_key = s.aws->secret_access_key;
        s.sigv4->session_token = s.aws->session_token;
        s.sigv4->region = s.aws->region;
        config.sigv4 = s.sigv4.get();
        ctx.debug("AWS credentials from " + s.aws->source + ", region " + s.scope);
    }
    s.endpoint = cloud::aws_endpoint(s.scope, aws.endpoint_url);
    s.transport = std::make_unique<cloud::CurlTransport>();
    s.limits = std::make_unique<cloud::RateLimits>(cloud::aws_default_rates(), 8.0, parse_rate(run.rate));
    s.caller = std::make_unique<cloud::Caller>(*s.transport, *s.limits, std::move(config));
    return s;
}

CloudSession open_azure_session(const AzureOptions& azure, const CloudRunOptions& run, Context& ctx) {
    CloudSession s;
    cloud::Caller::Config config = caller_config(run, s);
    int64_t ttl = util::parse_duration_arg(azure.sas_ttl, "--sas-ttl");
    std::string spec = azure.connection_string;
    if (spec.empty()) {
        if (std::getenv("AZURE_DPS_CONNECTION_STRING") == nullptr)
            util::fail_input("no DPS connection string: give --connection-string env:NAME or file:PATH, or set "
                             "AZURE_DPS_CONNECTION_STRING");
        spec = "env:AZURE_DPS_CONNECTION_STRING";
    }
    util::Secret text = util::resolve_secret(spec, "DPS connection string");
    s.dps = std::make_unique<cloud::DpsConnection>(cloud::parse_connection_string(text.value(), text.origin()));
    s.scope = s.dps->host;
    if (!run.dry_run) {
        const cloud::DpsConnection* dps = s.dps.get();
        const util::Clock* clock = ctx.clock;
        // A token per request: cheap, and never stale however long the run.
        config.authorization = [dps, clock, ttl] {
            return cloud::make_sas_token(dps->host, dps->key, dps->policy, clock->now() + ttl).token;
        };
    }
    s.endpoint = cloud::dps_endpoint(s.dps->host, azure.endpoint);
    s.transport = std::make_unique<cloud::CurlTransport>();
    s.limits = std::make_unique<cloud::RateLimits>(cloud::azure_default_rates(), 3.0, parse_rate(run.rate));
    s.caller = std::make_unique<cloud::Caller>(*s.transport, *s.limits, std::move(config));
    ctx.debug("DPS " + s.scope + " as " + s.dps->policy + " (key from " + text.origin() + ")");
    return s;
}

void run_and_report(const std::string& verb, const std::string& provider, const cloud::BulkWork& work,
                    const CloudSession& session, unsigned jobs, Context& ctx) {
    auto start = std::chrono::steady_clock::now();
    bool bar = !ctx.quiet && ::isatty(STDERR_FILENO) == 1 && work.devices > 1;
    std::chrono::steady_clock::time_point last{};
    auto progress = [&](const cloud::BulkProgress& p) {
        auto now = std::chrono::steady_clock::now();
        if (p.done < p.total && now - last < std::chrono::milliseconds(100)) return;
        last = now;
        draw_progress(*ctx.err, p.done, p.total, p.done, p.seconds);
    };
    auto results = cloud::run_bulk(work, jobs, bar ? std::function<void(const cloud::BulkProgress&)>(progress) : nullptr);
    if (bar) *ctx.err << '\n';
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report_cloud_run(verb, session, provider, results, seconds, ctx);
}

std::string read_json_object_file(const std::string& path, const std::string& option) {
    std::string text = util::read_file(path);
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) util::fail_input(option + " " + path + ": not a JSON object");
    return text;
}

void emit_json_unless_terminal(const nlohmann::json& doc, const std::function<void(std::ostream&)>& human, Context& ctx) {
    if (ctx.json || !ctx.terminal || !human) {
        *ctx.out << doc.dump(2) << '\n';
        ctx.out->flush();
        return;
    }
    ctx.emit(doc, human);
}

void report_cloud_run(const std::string& verb, const CloudSession& s, const std::string& provider,
                      const std::vector<cloud::DeviceResult>& results, double seconds, Context& ctx) {
    if (s.dry_run) {
        nlohmann::json doc = {{"schema", "provctl.cloud.dry-run/v1"},
                              {"provider", provider},
                              {"scope", s.scope},
                              {"endpoint", s.endpoint},
                              {"requests", s.dry_run->requests()}};
        bool bad = false;
        if (!results.empty()) {
            doc["devices"] = nlohmann::json::array();
            for (const auto& r : results) {
                doc["devices"].push_back(cloud::result_json(r));
                bad = bad || r.status == "failed" || r.status == "conflict";
            }
        }
        emit_json_unless_terminal(doc, nullptr, ctx);
        // A plan that already fails (a refused name, a conflict on record) says so.
        if (bad) throw util::Error(util::ExitCode::failed, "");
        return;
    }
    std::map<std::string, int64_t> counts;
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& r : results) {
        ++counts[r.status];
        devices.push_back(cloud::result_json(r));
    }
    cloud::CallStats st = s.caller->stats();
    int64_t bad = counts["failed"] + counts["conflict"];
    nlohmann::json doc = {
        {"schema", "provctl.cloud." + provider + "." + verb + "/v1"},
        {"provider", provider},
        {"scope", s.scope},
        {"endpoint", s.endpoint},
        {"planned", results.size()},
        {"done", static_cast<int64_t>(results.size()) - bad - counts["skipped"]},
        {"skipped", counts["skipped"]},
        {"failed", counts["failed"]},
        {"conflicts", counts["conflict"]},
        {"requests", st.requests},
        {"retries", st.retries},
        {"throttled", st.throttled},
        {"seconds", seconds},
        {"devices", devices},
    };
    emit_json_unless_terminal(doc, [&](std::ostream& out) {
        for (const auto& r : results) {
            if (r.status != "failed" && r.status != "conflict") continue;
            out << ctx.paint(r.status, "31") << "  " << r.device_id << "  " << util::printable(r.message) << '\n';
        }
        static const std::map<std::string, std::string> done_word = {
            {"register", "registered"}, {"deactivate", "deactivated"}, {"enroll", "enrolled"}, {"disable", "disabled"}};
        auto w = done_word.find(verb);
        out << provider << " " << s.scope << ": " << doc["done"].get<int64_t>() << " "
            << (w == done_word.end() ? verb : w->second) << ", "
            << counts["skipped"] << " already done, " << counts["failed"] << " failed, " << counts["conflict"]
            << " in conflict (" << st.requests << " requests, " << st.retries << " retries)\n";
    }, ctx);
    if (bad > 0) throw util::Error(util::ExitCode::failed, "");
}

}  // namespace cmd
