#include "cloud/azure_enroll.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "util/error.hpp"

namespace cloud {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The SHA-256 thumbprint DPS reports for an enrollment's primary certificate.
std::string primary_thumbprint(const nlohmann::json& enrollment) {
    const nlohmann::json* p = &enrollment;
    for (const char* key : {"attestation", "x509", "clientCertificates", "primary", "info"}) {
        if (!p->is_object() || !p->contains(key)) return "";
        p = &(*p)[key];
    }
    return lower(p->value("sha256Thumbprint", std::string()));
}

std::string attestation_type(const nlohmann::json& enrollment) {
    if (!enrollment.is_object() || !enrollment.contains("attestation") || !enrollment["attestation"].is_object()) return "";
    return enrollment["attestation"].value("type", std::string());
}

bool is_exists(const std::string& error_code) { return error_code == "409" || error_code.rfind("409", 0) == 0; }

DeviceResult enrolled(registry::SharedRegistry& reg, registry::CloudRecord rec, const std::string& etag,
                      const AzureEnrollPlan& plan, bool dry, const std::string& how) {
    rec.enrollment_id = rec.device_id;
    rec.etag = etag;
    rec.status = "registered";
    rec.message.clear();
    if (!rec.has_step("enrollment")) rec.steps.push_back("enrollment");
    store(reg, rec, how + " enrollment " + rec.enrollment_id, plan.actor, dry);
    return {rec.device_id, dry ? "planned" : "registered", rec, ""};
}

// DPS said the enrollment exists: done if it holds our certificate; updated
// (with its etag) if it holds the device's previous one, as after an RMA.
DeviceResult reconcile(AzureDps& dps, registry::SharedRegistry& reg, const Target& t, const registry::CloudRecord& rec,
                       const std::string& previous, const AzureEnrollPlan& plan, bool dry) {
    Outcome g = dps.get_enrollment(rec.device_id);
    if (!g.ok()) return give_up(reg, rec, "failed", "GetIndividualEnrollment: " + g.describe(), plan.actor, dry);
    std::string type = attestation_type(g.body);
    if (plan.attestation == "x509") {
        std::string theirs = primary_thumbprint(g.body);
        if (type == "x509" && !previous.empty() && theirs == previous) {
            Outcome u = dps.put_enrollment(rec.device_id, enrollment_body(t, plan), g.field("etag"));
            if (!u.ok())
                return give_up(reg, rec, "failed", "CreateOrUpdateIndividualEnrollment: " + u.describe(), plan.actor, dry);
            return enrolled(reg, rec, u.field("etag"), plan, dry, "previous certificate replaced in");
        }
        if (type != "x509" || theirs != rec.fingerprint)
            return give_up(reg, rec, "conflict",
                           "enrollment " + rec.device_id + " exists in DPS with another " +
                               (type == "x509" ? "certificate (SHA-256 " + theirs + ")" : "attestation (" + type + ")"),
                           plan.actor, dry);
    } else if (type != "symmetricKey") {
        return give_up(reg, rec, "conflict", "enrollment " + rec.device_id + " exists in DPS with attestation " + type,
                       plan.actor, dry);
    }
    return enrolled(reg, rec, g.field("etag"), plan, dry, "existing");
}

}  // namespace

nlohmann::json enrollment_body(const Target& t, const AzureEnrollPlan& plan) {
    nlohmann::json body = {{"registrationId", t.device.device_id}};
    if (plan.attestation == "x509") {
        body["attestation"] = {{"type", "x509"},
                               {"x509", {{"clientCertificates", {{"primary", {{"certificate", t.cert.pem}}}}}}}};
    } else {
        // No keys sent: DPS makes them, and they never pass through provctl.
        body["attestation"] = {{"type", "symmetricKey"}, {"symmetricKey", nlohmann::json::object()}};
    }
    body["capabilities"] = {{"iotEdge", false}};
    if (!plan.iot_hubs.empty()) body["iotHubs"] = plan.iot_hubs;
    if (!plan.allocation.empty()) body["allocationPolicy"] = plan.allocation;
    if (!plan.initial_twin.is_null()) body["initialTwin"] = plan.initial_twin;
    body["provisioningStatus"] = plan.provisioning_status;
    return body;
}

registry::CloudRecord azure_record(registry::SharedRegistry& reg, const Target& t, const std::string& scope, bool& done,
                                   std::string& previous) {
    const std::string& id = t.device.device_id;
    registry::CloudRecord rec;
    if (auto held = reg.with([&](registry::Registry& r) { return r.find_cloud_record(id, "azure", scope); })) rec = *held;
    previous.clear();
    if (rec.fingerprint != t.cert.fingerprint) {
        if (rec.has_step("enrollment")) previous = rec.fingerprint;
        rec = registry::CloudRecord{};
        rec.device_id = id;
        rec.provider = "azure";
        rec.scope = scope;
        rec.fingerprint = t.cert.fingerprint;
    }
    done = rec.has_step("enrollment") && (rec.status == "registered" || rec.status == "disabled");
    return rec;
}

DeviceResult azure_enroll_device(AzureDps& dps, registry::SharedRegistry& reg, const Target& t,
                                 const AzureEnrollPlan& plan) {
    const bool dry = dps.dry_run();
    bool done = false;
    std::string previous;
    registry::CloudRecord rec = azure_record(reg, t, plan.scope, done, previous);
    if (done) return {rec.device_id, "skipped", rec, ""};
    Outcome o = dps.put_enrollment(t.device.device_id, enrollment_body(t, plan), "");
    if (o.ok()) return enrolled(reg, rec, o.field("etag"), plan, dry, "created");
    if (o.status == 409) return reconcile(dps, reg, t, rec, previous, plan, dry);
    return give_up(reg, rec, "failed", "CreateOrUpdateIndividualEnrollment: " + o.describe(), plan.actor, dry);
}

std::vector<DeviceResult> azure_enroll_chunk(AzureDps& dps, registry::SharedRegistry& reg,
                                             const std::vector<const Target*>& targets, const AzureEnrollPlan& plan) {
    const bool dry = dps.dry_run();
    std::vector<DeviceResult> out;
    std::vector<const Target*> todo;
    std::vector<registry::CloudRecord> records;
    std::vector<std::string> previous;
    for (const Target* t : targets) {
        if (!registration_id_ok(t->device.device_id)) {
            // One bad name must not sink the nine good ones in its request.
            out.push_back(failed_result(t->device.device_id, "azure", plan.scope, t->cert.fingerprint,
                                        "the device ID is not a valid DPS registration ID (1 to 128 of A-Z a-z 0-9 "
                                        "- . _ : ending in a letter, digit or '-')"));
            continue;
        }
        bool done = false;
        std::string prev;
        auto rec = azure_record(reg, *t, plan.scope, done, prev);
        if (done) {
            out.push_back({rec.device_id, "skipped", rec, ""});
        } else {
            todo.push_back(t);
            records.push_back(std::move(rec));
            previous.push_back(std::move(prev));
        }
    }
    if (todo.empty()) return out;
    if (todo.size() > kDpsBulkMax) util::fail_op("internal: a DPS bulk request holds at most 10 enrollments");
    nlohmann::json list = nlohmann::json::array();
    for (const Target* t : todo) list.push_back(enrollment_body(*t, plan));
    Outcome o = dps.bulk_enrollments("create", list);
    if (!o.ok()) {
        if (o.status == 0 || o.status == 429 || o.status >= 500)
            for (auto& rec : records)
                out.push_back(give_up(reg, rec, "failed", "RunBulkEnrollmentOperation: " + o.describe(), plan.actor, dry));
        else
            for (const Target* t : todo) out.push_back(azure_enroll_device(dps, reg, *t, plan));
        return out;
    }
    std::map<std::string, std::pair<std::string, std::string>> errors;  // lower-case ID -> code, message
    if (o.body.is_object() && o.body.contains("errors") && o.body["errors"].is_array())
        for (const auto& e : o.body["errors"]) {
            if (!e.is_object()) continue;
            std::string code = e.contains("errorCode") ? (e["errorCode"].is_string() ? e["errorCode"].get<std::string>()
                                                                                      : e["errorCode"].dump())
                                                       : "";
            errors[lower(e.value("registrationId", std::string()))] = {code, e.value("errorStatus", std::string())};
        }
    for (size_t i = 0; i < records.size(); ++i) {
        auto& rec = records[i];
        auto it = errors.find(lower(rec.device_id));
        if (it == errors.end()) {
            out.push_back(enrolled(reg, rec, "", plan, dry, "created (bulk)"));
        } else if (is_exists(it->second.first)) {
            out.push_back(reconcile(dps, reg, *todo[i], rec, previous[i], plan, dry));
        } else {
            out.push_back(give_up(reg, rec, "failed",
                                  "RunBulkEnrollmentOperation: error " + it->second.first + ": " + it->second.second,
                                  plan.actor, dry));
        }
    }
    return out;
}

DeviceResult azure_disable_device(AzureDps& dps, registry::SharedRegistry& reg, const std::string& id,
                                  const std::string& scope, const registry::Actor& actor) {
    const bool dry = dps.dry_run();
    auto held = reg.with([&](registry::Registry& r) { return r.find_cloud_record(id, "azure", scope); });
    if (!held || held->enrollment_id.empty())
        util::fail_input("--device '" + id + "': no DPS enrollment recorded for " + scope + " (enroll it first)");
    registry::CloudRecord rec = *held;
    if (rec.status == "disabled") return {id, "skipped", rec, ""};
    Outcome g = dps.get_enrollment(rec.enrollment_id);
    if (!g.ok()) return {id, "failed", rec, "GetIndividualEnrollment: " + g.describe()};
    nlohmann::json body = g.body.is_object() ? g.body : nlohmann::json::object();
    body["provisioningStatus"] = "disabled";
    std::string etag = dry ? std::string("<etag>") : g.field("etag");
    // DPS answers with the certificate's info, not the certificate: send back what we hold.
    if (attestation_type(body) == "x509") {
        auto certs = reg.with([&](registry::Registry& r) { return r.certificates_of(id); });
        for (const auto& c : certs)
            if (c.fingerprint == rec.fingerprint)
                body["attestation"]["x509"] = {{"clientCertificates", {{"primary", {{"certificate", c.pem}}}}}};
    }
    for (const char* k : {"etag", "createdDateTimeUtc", "lastUpdatedDateTimeUtc", "registrationState"}) body.erase(k);
    Outcome o = dps.put_enrollment(rec.enrollment_id, body, etag);
    if (!o.ok()) return {id, "failed", rec, "CreateOrUpdateIndividualEnrollment: " + o.describe()};
    rec.etag = o.field("etag");
    rec.status = "disabled";
    rec.message.clear();
    store(reg, rec, "enrollment " + rec.enrollment_id + " disabled", actor, dry);
    return {id, dry ? "planned" : "disabled", rec, ""};
}

}  // namespace cloud
