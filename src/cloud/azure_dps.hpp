#pragma once
// The Azure Device Provisioning Service calls provctl makes (service API,
// api-version 2021-10-01), each through the Caller with a SharedAccessSignature
// made from the connection string's key.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "cloud/caller.hpp"

namespace cloud {

inline constexpr const char* kDpsApiVersion = "2021-10-01";

// HostName=...;SharedAccessKeyName=...;SharedAccessKey=... The key is wiped
// when the object goes.
struct DpsConnection {
    std::string host;
    std::string policy;
    std::string key;
    DpsConnection() = default;
    DpsConnection(const DpsConnection&) = delete;
    DpsConnection& operator=(const DpsConnection&) = delete;
    DpsConnection(DpsConnection&&) = default;
    DpsConnection& operator=(DpsConnection&&) = default;
    ~DpsConnection();
};

// Exit 2 naming the missing or malformed part (never the key), with
// `origin` (where the string came from) in the message.
DpsConnection parse_connection_string(const std::string& text, const std::string& origin);

// Below the published DPS service-API limits (docs/cloud.md).
const std::map<std::string, double>& azure_default_rates();

std::string dps_endpoint(const std::string& host, const std::string& endpoint_option);

// 1 to 128 of A-Z a-z 0-9 - . _ : ending in a letter, digit or '-', as DPS
// requires; check_ fails with exit 2 naming `what`.
bool registration_id_ok(const std::string& id);
void check_registration_id(const std::string& id, const std::string& what);

class AzureDps {
public:
    AzureDps(Caller& caller, std::string endpoint) : caller_(caller), endpoint_(std::move(endpoint)) {}

    // if_match empty: create (an existing enrollment answers 409).
    Outcome put_enrollment(const std::string& id, const nlohmann::json& body, const std::string& if_match);
    Outcome get_enrollment(const std::string& id);
    Outcome bulk_enrollments(const std::string& mode, const nlohmann::json& enrollments);
    Outcome put_enrollment_group(const std::string& id, const nlohmann::json& body, const std::string& if_match);
    Outcome get_enrollment_group(const std::string& id);

    bool dry_run() const { return caller_.dry_run(); }

private:
    Outcome send(const std::string& api, const std::string& method, const std::string& path, const nlohmann::json* body,
                 const std::string& if_match);
    Caller& caller_;
    std::string endpoint_;
};

}  // namespace cloud
