#include "cloud/azure_dps.hpp"

#include <openssl/crypto.h>

#include <cctype>
#include <sstream>

#include "cloud/sas.hpp"
#include "util/error.hpp"

namespace cloud {

DpsConnection::~DpsConnection() { OPENSSL_cleanse(key.data(), key.size()); }

DpsConnection parse_connection_string(const std::string& text, const std::string& origin) {
    DpsConnection c;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, ';');) {
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())) != 0) part.pop_back();
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())) != 0) part.erase(0, 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        if (eq == std::string::npos)
            util::fail_input("connection string from " + origin + ": expected NAME=VALUE parts separated by ';'");
        std::string name = part.substr(0, eq);
        std::string value = part.substr(eq + 1);
        if (name == "HostName") c.host = value;
        else if (name == "SharedAccessKeyName") c.policy = value;
        else if (name == "SharedAccessKey") c.key = value;
        OPENSSL_cleanse(part.data(), part.size());
    }
    for (auto [field, value] : {std::pair<const char*, const std::string*>{"HostName", &c.host},
                                {"SharedAccessKeyName", &c.policy},
                                {"SharedAccessKey", &c.key}})
        if (value->empty())
            util::fail_input("connection string from " + origin + ": no " + field +
                             " (expected HostName=...;SharedAccessKeyName=...;SharedAccessKey=...)");
    if (!decode_key(c.key))
        util::fail_input("connection string from " + origin + ": SharedAccessKey is not base64");
    return c;
}

const std::map<std::string, double>& azure_default_rates() {
    // DPS allows about 200 enrollment operations a minute per unit (S1) at
    // the time of writing; 3/s stays under that. A bulk request counts once.
    static const std::map<std::string, double> rates = {
        {"CreateOrUpdateIndividualEnrollment", 3}, {"GetIndividualEnrollment", 3}, {"RunBulkEnrollmentOperation", 3},
        {"CreateOrUpdateEnrollmentGroup", 3},      {"GetEnrollmentGroup", 3},
    };
    return rates;
}

std::string dps_endpoint(const std::string& host, const std::string& endpoint_option) {
    if (endpoint_option.empty()) return "https://" + host;
    check_endpoint(endpoint_option, "--endpoint");
    std::string e = endpoint_option;
    while (!e.empty() && e.back() == '/') e.pop_back();
    return e;
}

bool registration_id_ok(const std::string& id) {
    bool ok = !id.empty() && id.size() <= 128;
    for (unsigned char c : id)
        if (!(std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == ':')) ok = false;
    if (ok) {
        unsigned char last = static_cast<unsigned char>(id.back());
        ok = std::isalnum(last) != 0 || last == '-';
    }
    return ok;
}

void check_registration_id(const std::string& id, const std::string& what) {
    if (!registration_id_ok(id))
        util::fail_input(what + " '" + id + "': DPS takes 1 to 128 of A-Z a-z 0-9 - . _ : ending in a letter, digit or '-'");
}

Outcome AzureDps::send(const std::string& api, const std::string& method, const std::string& path,
                       const nlohmann::json* body, const std::string& if_match) {
    HttpRequest req;
    req.method = method;
    req.url = endpoint_ + path + "?api-version=" + kDpsApiVersion;
    if (body != nullptr) {
        req.body = body->dump();
        req.headers.emplace_back("Content-Type", "application/json");
    }
    if (!if_match.empty()) req.headers.emplace_back("If-Match", if_match);
    return caller_.call(api, std::move(req));
}

Outcome AzureDps::put_enrollment(const std::string& id, const nlohmann::json& body, const std::string& if_match) {
    check_registration_id(id, "registration ID");
    return send("CreateOrUpdateIndividualEnrollment", "PUT", "/enrollments/" + id, &body, if_match);
}

Outcome AzureDps::get_enrollment(const std::string& id) {
    check_registration_id(id, "registration ID");
    return send("GetIndividualEnrollment", "GET", "/enrollments/" + id, nullptr, "");
}

Outcome AzureDps::bulk_enrollments(const std::string& mode, const nlohmann::json& enrollments) {
    nlohmann::json body = {{"mode", mode}, {"enrollments", enrollments}};
    return send("RunBulkEnrollmentOperation", "POST", "/enrollments", &body, "");
}

Outcome AzureDps::put_enrollment_group(const std::string& id, const nlohmann::json& body, const std::string& if_match) {
    check_registration_id(id, "--id");
    return send("CreateOrUpdateEnrollmentGroup", "PUT", "/enrollmentGroups/" + id, &body, if_match);
}

Outcome AzureDps::get_enrollment_group(const std::string& id) {
    check_registration_id(id, "--id");
    return send("GetEnrollmentGroup", "GET", "/enrollmentGroups/" + id, nullptr, "");
}

}  // namespace cloud
