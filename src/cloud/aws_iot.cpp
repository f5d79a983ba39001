#include "cloud/aws_iot.hpp"

#include <cctype>

#include "util/error.hpp"

namespace cloud {

const std::map<std::string, double>& aws_default_rates() {
    // Published limits at the time of writing, requests per second:
    // RegisterCertificate(+WithoutCA) 10, RegisterCACertificate 10,
    // GetRegistrationCode 10, DescribeCertificate 10, UpdateCertificate 10,
    // CreateThing 100, DescribeThing 350, AttachThingPrincipal 100,
    // AttachPolicy 15, AddThingToThingGroup 100, CreateProvisioningTemplate 10.
    static const std::map<std::string, double> rates = {
        {"RegisterCertificate", 8},     {"RegisterCertificateWithoutCA", 8}, {"RegisterCACertificate", 2},
        {"GetRegistrationCode", 2},     {"DescribeCertificate", 8},          {"UpdateCertificate", 8},
        {"CreateThing", 80},            {"DescribeThing", 80},               {"AttachThingPrincipal", 80},
        {"AttachPolicy", 12},           {"AddThingToThingGroup", 80},        {"CreateProvisioningTemplate", 2},
    };
    return rates;
}

std::string aws_endpoint(const std::string& region, const std::string& endpoint_url) {
    if (!endpoint_url.empty()) {
        check_endpoint(endpoint_url, "--endpoint-url");
        std::string e = endpoint_url;
        while (!e.empty() && e.back() == '/') e.pop_back();
        return e;
    }
    return "https://iot." + region + ".amazonaws.com";
}

void check_path_name(const std::string& name, const std::string& what) {
    bool ok = !name.empty() && name.size() <= 128;
    for (unsigned char c : name)
        if (!(std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.')) ok = false;
    if (!ok)
        util::fail_input(what + " '" + name + "': use 1 to 128 of A-Z a-z 0-9 _ - .");
}

Outcome AwsIot::send(const std::string& api, const std::string& method, const std::string& path,
                     const nlohmann::json* body, std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest req;
    req.method = method;
    req.url = endpoint_ + path;
    req.headers = std::move(headers);
    if (body != nullptr) {
        req.body = body->dump();
        req.headers.emplace_back("Content-Type", "application/json");
    }
    return caller_.call(api, std::move(req));
}

Outcome AwsIot::get_registration_code() { return send("GetRegistrationCode", "GET", "/registrationcode", nullptr); }

Outcome AwsIot::register_ca_certificate(const std::string& ca_pem, const std::string& verification_pem,
                                        bool set_active, const std::string& template_body,
                                        const std::string& role_arn) {
    nlohmann::json body = {{"caCertificate", ca_pem},
                           {"verificationCertificate", verification_pem},
                           {"certificateMode", "DEFAULT"}};
    // Query parameters in sorted order: libcurl signs the query as written.
    std::string path = "/cacertificate?";
    if (!template_body.empty()) {
        body["registrationConfig"] = {{"templateBody", template_body}, {"roleArn", role_arn}};
        path += "allowAutoRegistration=true&";
    }
    path += std::string("setAsActive=") + (set_active ? "true" : "false");
    return send("RegisterCACertificate", "POST", path, &body);
}

Outcome AwsIot::register_certificate(const std::string& pem, const std::string& ca_pem, const std::string& status) {
    nlohmann::json body = {{"certificatePem", pem}, {"status", status}};
    if (ca_pem.empty()) return send("RegisterCertificateWithoutCA", "POST", "/certificate/register-no-ca", &body);
    body["caCertificatePem"] = ca_pem;
    return send("RegisterCertificate", "POST", "/certificate/register", &body);
}

Outcome AwsIot::describe_certificate(const std::string& id) {
    check_path_name(id, "certificate ID");
    return send("DescribeCertificate", "GET", "/certificates/" + id, nullptr);
}

Outcome AwsIot::update_certificate(const std::string& id, const std::string& new_status) {
    check_path_name(id, "certificate ID");
    return send("UpdateCertificate", "PUT", "/certificates/" + id + "?newStatus=" + new_status, nullptr);
}

Outcome AwsIot::create_thing(const std::string& thing_name, const std::string& thing_type,
                             const std::map<std::string, std::string>& attributes) {
    check_path_name(thing_name, "thing name");
    nlohmann::json body = nlohmann::json::object();
    if (!thing_type.empty()) body["thingTypeName"] = thing_type;
    if (!attributes.empty()) body["attributePayload"] = {{"attributes", attributes}};
    return send("CreateThing", "POST", "/things/" + thing_name, &body);
}

Outcome AwsIot::describe_thing(const std::string& thing_name) {
    check_path_name(thing_name, "thing name");
    return send("DescribeThing", "GET", "/things/" + thing_name, nullptr);
}

Outcome AwsIot::attach_thing_principal(const std::string& thing_name, const std::string& principal_arn) {
    check_path_name(thing_name, "thing name");
    return send("AttachThingPrincipal", "PUT", "/things/" + thing_name + "/principals", nullptr,
                {{"x-amzn-principal", principal_arn}});
}

Outcome AwsIot::attach_policy(const std::string& policy_name, const std::string& target_arn) {
    check_path_name(policy_name, "--policy");
    nlohmann::json body = {{"target", target_arn}};
    return send("AttachPolicy", "PUT", "/target-policies/" + policy_name, &body);
}

Outcome AwsIot::add_thing_to_thing_group(const std::string& group, const std::string& thing_name) {
    nlohmann::json body = {{"thingGroupName", group}, {"thingName", thing_name}};
    return send("AddThingToThingGroup", "PUT", "/thing-groups/addThingToThingGroup", &body);
}

Outcome AwsIot::create_provisioning_template(const std::string& name, const std::string& type,
                                             const std::string& template_body, const std::string& role_arn) {
    nlohmann::json body = {{"templateName", name},
                           {"templateBody", template_body},
                           {"provisioningRoleArn", role_arn},
                           {"enabled", true},
                           {"type", type}};
    return send("CreateProvisioningTemplate", "POST", "/provisioning-templates", &body);
}

}  // namespace cloud
