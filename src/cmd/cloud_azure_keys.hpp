#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cmd/context.hpp"

namespace cmd {

struct CloudAzureSasTokenOptions {
    std::string resource;
    std::string key;     // env:NAME or file:PATH (or "" to prompt)
    std::string policy;
    std::string ttl = "1h";
};

struct CloudAzureDeriveKeyOptions {
    std::string group_key;  // env:NAME or file:PATH (or "" to prompt)
    std::vector<std::string> registration_ids;
};

void run_cloud_azure_sas_token(const CloudAzureSasTokenOptions& o, Context& ctx);
void run_cloud_azure_derive_key(const CloudAzureDeriveKeyOptions& o, Context& ctx);

}  // namespace cmd
