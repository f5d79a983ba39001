#pragma once
// What batch generate and batch sign-csrs share: the issuer, the batch
// folder, the registry, and how the run reports itself.
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "batch/engine.hpp"
#include "cmd/context.hpp"
#include "cmd/options.hpp"
#include "cmd/registry_options.hpp"

namespace cmd {

struct BatchOptions {
    std::string id_template;
    std::string issuer_cert;
    std::string issuer_key;
    pki::KeyAccess issuer_access;
    std::string chain;
    std::string profile = "device";
    std::string subject;
    ValidityOptions validity;
    std::string out;
    std::string batch_id;
    std::string sku, hw_revision, spec_version;
    unsigned jobs = 0;  // 0: one per core
    RegistryOptions registry;
};

void add_batch_options(CLI::App& sub, BatchOptions& o);

// The engine request for these options (plan, keys and recipient left to the caller).
batch::Request batch_request(const BatchOptions& o, Context& ctx);

// Runs the engine with a progress bar on a terminal, prints the summary
// (schema provctl.batch.<verb>/v1), and exits 1 when devices were left in conflict.
void run_batch(batch::Request& req, const BatchOptions& o, const std::string& verb, Context& ctx);

}  // namespace cmd
