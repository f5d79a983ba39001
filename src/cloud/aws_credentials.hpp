#pragma once
// AWS credentials and region found the way the AWS CLI finds them:
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the
// profile (--profile, else AWS_PROFILE, else "default") in
// ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE) and ~/.aws/config
// (AWS_CONFIG_FILE, sections "[profile NAME]"); region from --region,
// AWS_REGION, AWS_DEFAULT_REGION, then the profile's config.
// The secret key and session token are wiped when the object goes.
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace cloud {

struct AwsCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // "" when none
    std::string region;
    std::string source;          // "environment" or "profile NAME (FILE)": safe to print
    AwsCredentials() = default;
    AwsCredentials(const AwsCredentials&) = delete;
    AwsCredentials& operator=(const AwsCredentials&) = delete;
    AwsCredentials(AwsCredentials&&) = default;
    AwsCredentials& operator=(AwsCredentials&&) = default;
    ~AwsCredentials();
};

// getenv, as a seam for tests.
using Env = std::function<std::optional<std::string>(const std::string&)>;
Env process_env();

// Exit 2 naming what is missing (never a value): no credentials, a profile
// that is not in the files, no region.
AwsCredentials find_aws_credentials(const std::string& profile_option, const std::string& region_option,
                                    const Env& env);

// An INI file as the AWS CLI writes it: sections of key = value; '#' and ';'
// start comments. Missing file: empty.
std::map<std::string, std::map<std::string, std::string>> read_ini(const std::string& path);

}  // namespace cloud
