#pragma once
// The AWS IoT control-plane calls provctl makes (REST-JSON, host
// iot.REGION.amazonaws.com), one function per API, each through the Caller.
// Names that go into a request path are checked first (check_path_name).
#include <map>
#include <string>

#include "cloud/caller.hpp"

namespace cloud {

// The per-API rates used when --rate is not given: below the published AWS
// IoT Core control-plane limits (docs/cloud.md).
const std::map<std::string, double>& aws_default_rates();

std::string aws_endpoint(const std::string& region, const std::string& endpoint_url);

// Exit 2 naming `what` unless `name` is 1-128 characters of A-Z a-z 0-9 _ - .
// (a name outside that set would need path encoding that SigV4 signs twice).
void check_path_name(const std::string& name, const std::string& what);

class AwsIot {
public:
    AwsIot(Caller& caller, std::string endpoint) : caller_(caller), endpoint_(std::move(endpoint)) {}

    Outcome get_registration_code();
    Outcome register_ca_certificate(const std::string& ca_pem, const std::string& verification_pem, bool set_active,
                                    const std::string& template_body, const std::string& role_arn);
    // ca_pem empty: RegisterCertificateWithoutCA.
    Outcome register_certificate(const std::string& pem, const std::string& ca_pem, const std::string& status);
    Outcome describe_certificate(const std::string& certificate_id);
    Outcome update_certificate(const std::string& certificate_id, const std::string& new_status);
    Outcome create_thing(const std::string& thing_name, const std::string& thing_type,
                         const std::map<std::string, std::string>& attributes);
    Outcome describe_thing(const std::string& thing_name);
    Outcome attach_thing_principal(const std::string& thing_name, const std::string& principal_arn);
    Outcome attach_policy(const std::string& policy_name, const std::string& target_arn);
    Outcome add_thing_to_thing_group(const std::string& group, const std::string& thing_name);
    Outcome create_provisioning_template(const std::string& name, const std::string& type, const std::string& body,
                                         const std::string& role_arn);

    bool dry_run() const { return caller_.dry_run(); }

private:
    Outcome send(const std::string& api, const std::string& method, const std::string& path,
                 const nlohmann::json* body, std::vector<std::pair<std::string, std::string>> headers = {});

    Caller& caller_;
    std::string endpoint_;
};

}  // namespace cloud
