#include "cloud/aws_credentials.hpp"

#include <openssl/crypto.h>

#include <cctype>
#include <cstdlib>
#include <fstream>

#include "util/error.hpp"

namespace cloud {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

void wipe(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

}  // namespace

AwsCredentials::~AwsCredentials() {
    wipe(secret_access_key);
    wipe(session_token);
}

Env process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr || *v == '\0') return std::nullopt;
        return std::string(v);
    };
}

std::map<std::string, std::map<std::string, std::string>> read_ini(const std::string& path) {
    std::map<std::string, std::map<std::string, std::string>> out;
    std::ifstream in(path);
    std::string line, section;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            section = trim(line.substr(1, line.size() - 2));
            out[section];
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string::npos || section.empty()) continue;
        out[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    return out;
}

AwsCredentials find_aws_credentials(const std::string& profile_option, const std::string& region_option,
                                    const Env& env) {
    AwsCredentials c;
    std::string home = env("HOME").value_or("");
    std::string cred_file = env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
    std::string config_file = env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
    std::string profile = !profile_option.empty() ? profile_option : env("AWS_PROFILE").value_or("default");
    auto config = read_ini(config_file);
    const auto& conf = config[profile == "default" ? "default" : "profile " + profile];

    auto id = env("AWS_ACCESS_KEY_ID");
    auto secret = env("AWS_SECRET_ACCESS_KEY");
    if (profile_option.empty() && id && secret) {
        c.access_key_id = *id;
        c.secret_access_key = *secret;
        wipe(*secret);
        c.session_token = env("AWS_SESSION_TOKEN").value_or("");
        c.source = "environment";
    } else {
        auto creds = read_ini(cred_file);
        auto it = creds.find(profile);
        const std::map<std::string, std::string>* sec = it != creds.end() ? &it->second : nullptr;
        // The config file may hold keys too.
        if (sec == nullptr || !sec->count("aws_access_key_id")) sec = conf.count("aws_access_key_id") ? &conf : nullptr;
        if (sec == nullptr)
            util::fail_input("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile '" +
                             profile + "' to " + cred_file);
        auto get = [&](const char* k) {
            auto f = sec->find(k);
            return f == sec->end() ? std::string() : f->second;
        };
        c.access_key_id = get("aws_access_key_id");
        c.secret_access_key = get("aws_secret_access_key");
        c.session_token = get("aws_session_token");
        if (c.access_key_id.empty() || c.secret_access_key.empty())
            util::fail_input("AWS profile '" + profile + "' in " + cred_file +
                             " needs aws_access_key_id and aws_secret_access_key");
        c.source = "profile " + profile + " (" + cred_file + ")";
    }
    if (!region_option.empty()) {
        c.region = region_option;
    } else if (auto r = env("AWS_REGION")) {
        c.region = *r;
    } else if (auto d = env("AWS_DEFAULT_REGION")) {
        c.region = *d;
    } else if (auto f = conf.find("region"); f != conf.end()) {
        c.region = f->second;
    }
    if (c.region.empty())
        util::fail_input("no AWS region: pass --region, set AWS_REGION, or add region to profile '" + profile + "' in " +
                         config_file);
    for (char ch : c.region)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-'))
            util::fail_input("AWS region '" + c.region + "' is not a region name such as eu-west-1");
    return c;
}

}  // namespace cloud
