#pragma once
// provctl cloud aws ... and provctl cloud azure ...: registration of CAs,
// certificates and devices with AWS IoT and Azure DPS (docs/cloud.md).
#include <CLI/CLI.hpp>

#include "cmd/context.hpp"

namespace cmd {

// The `cloud` group with its `aws` and `azure` subgroups.
void register_cloud(CLI::App& app, Context& ctx);

void register_cloud_aws_register_ca(CLI::App& aws, Context& ctx);
void register_cloud_aws_register(CLI::App& aws, Context& ctx);
void register_cloud_aws_provisioning_template(CLI::App& aws, Context& ctx);
void register_cloud_aws_deactivate(CLI::App& aws, Context& ctx);
void register_cloud_azure_enroll(CLI::App& azure, Context& ctx);
void register_cloud_azure_enroll_group(CLI::App& azure, Context& ctx);
void register_cloud_azure_disable(CLI::App& azure, Context& ctx);
void register_cloud_azure_sas_token(CLI::App& azure, Context& ctx);
void register_cloud_azure_derive_key(CLI::App& azure, Context& ctx);

// Exit codes of the cloud commands, for help footers: those that work on
// devices, and those that send one request.
extern const char* const kCloudExitCodes;
extern const char* const kCloudSingleExitCodes;

}  // namespace cmd
