#pragma once
// What the cloud commands share: which devices, how fast and how many at
// once, dry runs, AWS and Azure credentials, and how a run reports itself.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cloud/aws_credentials.hpp"
#include "cloud/azure_dps.hpp"
#include "cloud/bulk.hpp"
#include "cloud/caller.hpp"
#include "cmd/context.hpp"
#include "cmd/registry_options.hpp"

namespace cmd {

struct CloudRunOptions {
    std::vector<std::string> devices;
    std::string batch;
    std::string rate;      // "N/s"; empty: the per-API defaults
    unsigned jobs = 8;
    int tries = 8;
    bool dry_run = false;
    RegistryOptions registry;
};

// --device/--batch (when `targets`), --rate, --jobs, --tries, --dry-run, and
// the registry options (when `registry`).
void add_cloud_run_options(CLI::App& sub, CloudRunOptions& o, bool targets, bool registry = true);

// "10/s", "10" or "0.5/s"; exit 2 naming --rate otherwise.
std::optional<double> parse_rate(const std::string& text);

struct AwsOptions {
    std::string profile;
    std::string region;
    std::string endpoint_url;
};
// --profile, --region, --endpoint-url; with `prefix` "aws-": --aws-profile...
void add_aws_options(CLI::App& sub, AwsOptions& o, const std::string& prefix = "");

// --allocation (hashed, static with exactly one hub, geoLatency, or empty) and
// --provisioning-status (enabled, disabled), as enroll and enroll-group take them.
void check_dps_placement(const std::string& allocation, const std::string& provisioning_status, size_t iot_hubs);

struct AzureOptions {
    std::string connection_string;  // env:NAME or file:PATH; empty: $AZURE_DPS_CONNECTION_STRING
    std::string endpoint;
    std::string sas_ttl = "1h";
};
void add_azure_options(CLI::App& sub, AzureOptions& o);

// A transport, rate limits and a caller for one provider, plus what they need
// to stay alive for the run. Credentials are found unless this is a dry run.
struct CloudSession {
    std::unique_ptr<cloud::HttpTransport> transport;
    std::unique_ptr<cloud::RateLimits> limits;
    std::unique_ptr<cloud::DryRunLog> dry_run;
    std::unique_ptr<cloud::AwsCredentials> aws;
    std::unique_ptr<cloud::SigV4> sigv4;
    std::unique_ptr<cloud::DpsConnection> dps;
    std::unique_ptr<cloud::Caller> caller;
    std::string scope;     // the AWS region or the DPS host
    std::string endpoint;  // where requests go
};

CloudSession open_aws_session(const AwsOptions& aws, const CloudRunOptions& run, Context& ctx);
CloudSession open_azure_session(const AzureOptions& azure, const CloudRunOptions& run, Context& ctx);

// Runs the work with a progress bar on a terminal, then reports it (report_cloud_run).
void run_and_report(const std::string& verb, const std::string& provider, const cloud::BulkWork& work,
                    const CloudSession& session, unsigned jobs, Context& ctx);

// The run's summary (schema provctl.cloud.<provider>.<verb>/v1), or under
// --dry-run the requests (provctl.cloud.dry-run/v1). JSON unless stdout is a
// terminal. Exit 1 when a device failed or is in conflict.
void report_cloud_run(const std::string& verb, const CloudSession& session, const std::string& provider,
                      const std::vector<cloud::DeviceResult>& results, double seconds, Context& ctx);

// A JSON object from a file (templates, initial twins), as text; exit 2
// naming the option and file otherwise.
std::string read_json_object_file(const std::string& path, const std::string& option);

// Prints one JSON document, even without --json: for dry runs and for
// commands whose output is that document on a pipe.
void emit_json_unless_terminal(const nlohmann::json& doc, const std::function<void(std::ostream&)>& human, Context& ctx);

}  // namespace cmd
