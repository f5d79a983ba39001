#include "cmd/cloud.hpp"

namespace cmd {

const char* const kCloudExitCodes =
    "  0  every device done (or already done)\n"
    "  1  a device failed or is in conflict (see its message), or the cloud could not be reached\n"
    "  2  usage error, bad input, missing credentials\n";

const char* const kCloudSingleExitCodes =
    "  0  done (or already there, the same)\n"
    "  1  the provider refused (its message is shown), a real conflict, or the cloud could not be reached\n"
    "  2  usage error, bad input, missing credentials\n";

void register_cloud(CLI::App& app, Context& ctx) {
    auto* cloud = app.add_subcommand("cloud", "Register CAs, certificates and devices with AWS IoT and Azure DPS");
    cloud->require_subcommand(1);
    auto* aws = cloud->add_subcommand("aws", "AWS IoT Core: CAs, certificates, things, policies, provisioning templates");
    aws->require_subcommand(1);
    register_cloud_aws_register_ca(*aws, ctx);
    register_cloud_aws_register(*aws, ctx);
    register_cloud_aws_provisioning_template(*aws, ctx);
    register_cloud_aws_deactivate(*aws, ctx);
    auto* azure = cloud->add_subcommand("azure", "Azure Device Provisioning Service: enrollments, groups, SAS tokens");
    azure->require_subcommand(1);
    register_cloud_azure_enroll(*azure, ctx);
    register_cloud_azure_enroll_group(*azure, ctx);
    register_cloud_azure_disable(*azure, ctx);
    register_cloud_azure_sas_token(*azure, ctx);
    register_cloud_azure_derive_key(*azure, ctx);
}

}  // namespace cmd
