#pragma once
// What the `provctl device` commands share: ports and their serial
// settings, the issuer of device certificates, the trust anchors, and a
// runner that works every port in parallel and reports unit results.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "cmd/options.hpp"
#include "cmd/registry_options.hpp"
#include "device/station.hpp"
#include "pki/device_template.hpp"
#include "pki/signing_key.hpp"

namespace cmd {

struct PortOptions {
    std::vector<std::string> ports;
    std::string ports_from;  // one port per line, optionally followed by the expected device ID
    unsigned baud = 115200;
    bool rtscts = false;
    std::string timeout = "5s";  // per request
};

// --port, --ports-from, --baud, --rtscts, --timeout.
void add_port_options(CLI::App& sub, PortOptions& o);

struct PortPlan {
    std::string port;
    std::string expect_id;  // from --ports-from
};
// The ports to work, in order; exit 2 when there are none, a port is named
// twice, or the --ports-from file is unreadable.
std::vector<PortPlan> port_plans(const PortOptions& o);
std::chrono::milliseconds request_timeout(const PortOptions& o);

struct IssuerOptions {
    std::string issuer_cert;
    std::string issuer_key;
    pki::KeyAccess issuer_access;
    std::vector<std::string> chain;
    std::vector<std::string> trust;
    std::string subject;  // fixed RDNs before CN=<device ID>
    ValidityOptions validity;
    bool clip_validity = false;  // end with the issuer even when a validity is given (a job's validity_days)
};
void add_issuer_options(CLI::App& sub, IssuerOptions& o);

// Certificates, key and template, opened once for every port.
struct OpenIssuer {
    util::X509Ptr issuer;
    std::vector<util::X509Ptr> above;
    std::vector<util::X509Ptr> anchors;
    std::unique_ptr<pki::SigningKey> key;
    std::unique_ptr<pki::DeviceCertTemplate> tmpl;
    device::Issuing issuing;
};
std::unique_ptr<OpenIssuer> open_issuer(const IssuerOptions& o, const std::string& key_type, Context& ctx);

// Reads trust anchors; exit 2 when none are given or a file holds none.
std::vector<util::X509Ptr> read_anchors(const std::vector<std::string>& paths);

// Works every port on its own thread, one failing unit never stopping the
// others. `work` runs with an open client; a port that cannot be opened
// becomes a failed unit. On a terminal (and without --json) a live table
// shows port, device, step and result.
using UnitWork = std::function<device::UnitResult(device::Client&, const PortPlan&, const device::StepObserver&)>;
std::vector<device::UnitResult> run_ports(const std::vector<PortPlan>& plans, const PortOptions& o, Context& ctx,
                                          const UnitWork& work);

nlohmann::json unit_json(const device::UnitResult& u);
// Prints the units (JSON document `schema`, or a table) and exits: 0 when
// every unit passed, 3 when any was quarantined or failed a check, 1 when
// any failed otherwise (port, registry).
void report_units(const std::vector<device::UnitResult>& units, const std::string& schema, Context& ctx);

}  // namespace cmd
