#include "cloud/aws_register.hpp"

#include <cctype>
#include <sstream>

#include "util/error.hpp"

namespace cloud {

namespace {

// AWS IoT's patterns for thing attribute names and values.
bool attribute_name_ok(const std::string& s) {
    if (s.empty() || s.size() > 128) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) != 0 || std::string("_.,@/:#-").find(static_cast<char>(c)) != std::string::npos))
            return false;
    return true;
}

bool attribute_value_ok(const std::string& s) {
    if (s.size() > 800) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) != 0 || std::string("_.,@/:#=[]-").find(static_cast<char>(c)) != std::string::npos))
            return false;
    return true;
}

std::map<std::string, std::string> thing_attributes(const Target& t, const AwsRegisterPlan& plan) {
    std::map<std::string, std::string> a;
    if (!t.device.sku.empty()) a["sku"] = t.device.sku;
    if (!t.device.hw_revision.empty()) a["hw_revision"] = t.device.hw_revision;
    if (!t.device.batch.empty()) a["batch"] = t.device.batch;
    for (const auto& [k, v] : plan.attributes) a[k] = v;
    return a;
}

// An answer's string field, or the dry-run stand-in for it.
std::string answered(const Outcome& o, const std::string& field, const std::string& stand_in, bool dry_run) {
    std::string v = o.field(field);
    return v.empty() && dry_run ? stand_in : v;
}

void add_step(registry::CloudRecord& r, const std::string& step) {
    if (!r.has_step(step)) r.steps.push_back(step);
}

}  // namespace

std::map<std::string, std::string> parse_attributes(const std::string& text) {
    std::map<std::string, std::string> out;
    if (text.empty()) return out;
    std::istringstream in(text);
    for (std::string pair; std::getline(in, pair, ',');) {
        auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            util::fail_input("--attributes '" + pair + "': expected key=value, comma-separated");
        std::string k = pair.substr(0, eq), v = pair.substr(eq + 1);
        if (!attribute_name_ok(k)) util::fail_input("--attributes: name '" + k + "': use A-Z a-z 0-9 and _.,@/:#- (1 to 128)");
        if (!attribute_value_ok(v)) util::fail_input("--attributes: value of '" + k + "': use A-Z a-z 0-9 and _.,@/:#=[]- (up to 800)");
        out[k] = v;
    }
    if (out.size() > 50) util::fail_input("--attributes: AWS IoT takes at most 50 attributes per thing");
    return out;
}

DeviceResult aws_register_device(AwsIot& iot, registry::SharedRegistry& reg, const Target& t,
                                 const AwsRegisterPlan& plan) {
    const bool dry = iot.dry_run();
    const std::string& id = t.device.device_id;
    registry::CloudRecord rec;
    if (auto held = reg.with([&](registry::Registry& r) { return r.find_cloud_record(id, "aws", plan.scope); }))
        rec = *held;
    bool retired = rec.status == "inactive" || rec.status == "revoked";
    if (rec.fingerprint == t.cert.fingerprint && retired)
        return {id, "skipped", rec, "certificate " + rec.certificate_id + " is " + rec.status +
                                        " in AWS IoT (provctl cloud aws deactivate); not registered again"};
    if (!rec.fingerprint.empty() && rec.fingerprint != t.cert.fingerprint && !rec.certificate_id.empty() && !retired)
        // A new certificate (after an RMA) while AWS still accepts the old one: the old one goes first.
        return {id, "conflict", rec, "AWS IoT still holds the device's previous certificate " + rec.certificate_id +
                                         " as " + rec.status + "; run provctl cloud aws deactivate --device " + id +
                                         " first"};
    if (rec.fingerprint != t.cert.fingerprint) {
        // A new certificate is registered from the start; the thing stays.
        rec = registry::CloudRecord{};
        rec.device_id = id;
        rec.provider = "aws";
        rec.scope = plan.scope;
        rec.fingerprint = t.cert.fingerprint;
    }
    // Steps name their policy and group, so a run with another --policy or --thing-group has work to do.
    const std::string policy_step = "policy:" + plan.policy, group_step = "group:" + plan.thing_group;
    std::vector<std::string> wanted = {"certificate", "thing", "principal"};
    if (!plan.policy.empty()) wanted.push_back(policy_step);
    if (!plan.thing_group.empty()) wanted.push_back(group_step);
    bool all = rec.status == "registered";
    for (const auto& w : wanted) all = all && rec.has_step(w);
    if (all) return {id, "skipped", rec, ""};
    rec.message.clear();

    if (!rec.has_step("certificate")) {
        Outcome o = iot.register_certificate(t.cert.pem, plan.ca_pem, "ACTIVE");
        if (o.ok()) {
            rec.certificate_id = answered(o, "certificateId", t.cert.fingerprint, dry);
            rec.certificate_arn = answered(o, "certificateArn", "arn:aws:iot:" + plan.scope + ":ACCOUNT:cert/" + t.cert.fingerprint, dry);
        } else if (o.status == 409 && o.error_type == "ResourceAlreadyExistsException") {
            // AWS IoT names a certificate by the SHA-256 of its DER: the same ID is the same certificate.
            std::string existing = o.field("resourceId");
            if (!existing.empty() && existing != t.cert.fingerprint)
                return give_up(reg, rec, "conflict", "AWS IoT says the certificate exists as " + existing +
                                   ", not " + t.cert.fingerprint, plan.actor, dry);
            Outcome d = iot.describe_certificate(t.cert.fingerprint);
            if (!d.ok()) return give_up(reg, rec, "failed", "DescribeCertificate: " + d.describe(), plan.actor, dry);
            nlohmann::json desc = d.object("certificateDescription");
            auto text = [&](const char* key, const std::string& otherwise) {
                return desc.contains(key) && desc[key].is_string() ? desc[key].get<std::string>() : otherwise;
            };
            std::string status = text("status", "");
            if (status != "ACTIVE")
                return give_up(reg, rec, "conflict", "the certificate is registered in AWS IoT with status " + status +
                                   "; provctl does not re-activate it", plan.actor, dry);
            rec.certificate_id = text("certificateId", t.cert.fingerprint);
            rec.certificate_arn = text("certificateArn", o.field("resourceArn"));
        } else {
            return give_up(reg, rec, "failed", std::string(plan.ca_pem.empty() ? "RegisterCertificateWithoutCA" : "RegisterCertificate") +
                               ": " + o.describe(), plan.actor, dry);
        }
        add_step(rec, "certificate");
        rec.status = "partial";
        store(reg, rec, "certificate registered: " + rec.certificate_arn, plan.actor, dry);
    }

    if (!rec.has_step("thing")) {
        auto attrs = thing_attributes(t, plan);
        for (const auto& [k, v] : attrs)
            if (!attribute_value_ok(v))
                return give_up(reg, rec, "failed", "thing attribute " + k + " '" + v +
                                   "' has characters AWS IoT refuses (use --attributes to set it)", plan.actor, dry);
        Outcome o = iot.create_thing(id, plan.thing_type, attrs);
        if (o.ok()) {
            rec.thing_name = id;
            rec.thing_arn = answered(o, "thingArn", "arn:aws:iot:" + plan.scope + ":ACCOUNT:thing/" + id, dry);
        } else if (o.status == 409 && o.error_type == "ResourceAlreadyExistsException") {
            Outcome d = iot.describe_thing(id);
            if (!d.ok()) return give_up(reg, rec, "failed", "DescribeThing: " + d.describe(), plan.actor, dry);
            nlohmann::json theirs = d.object("attributes");
            std::string differs;
            for (const auto& [k, v] : attrs) {
                std::string held = theirs.contains(k) && theirs[k].is_string() ? theirs[k].get<std::string>() : "";
                if (held != v) differs += (differs.empty() ? "" : ", ") + k + " '" + held + "' (ours '" + v + "')";
            }
            if (d.field("thingTypeName") != plan.thing_type)
                differs += (differs.empty() ? "" : ", ") + std::string("thing type '") + d.field("thingTypeName") +
                           "' (ours '" + plan.thing_type + "')";
            if (!differs.empty())
                return give_up(reg, rec, "conflict", "thing " + id + " exists in AWS IoT with other values: " + differs,
                               plan.actor, dry);
            rec.thing_name = id;
            rec.thing_arn = d.field("thingArn");
        } else {
            return give_up(reg, rec, "failed", "CreateThing: " + o.describe(), plan.actor, dry);
        }
        add_step(rec, "thing");
        store(reg, rec, "thing " + rec.thing_name, plan.actor, dry);
    }

    if (!rec.has_step("principal")) {
        Outcome o = iot.attach_thing_principal(rec.thing_name, rec.certificate_arn);
        if (!o.ok()) return give_up(reg, rec, "failed", "AttachThingPrincipal: " + o.describe(), plan.actor, dry);
        add_step(rec, "principal");
        store(reg, rec, "certificate attached to thing " + rec.thing_name, plan.actor, dry);
    }
    if (!plan.policy.empty() && !rec.has_step(policy_step)) {
        Outcome o = iot.attach_policy(plan.policy, rec.certificate_arn);
        if (!o.ok()) return give_up(reg, rec, "failed", "AttachPolicy " + plan.policy + ": " + o.describe(), plan.actor, dry);
        add_step(rec, policy_step);
        store(reg, rec, "policy " + plan.policy + " attached", plan.actor, dry);
    }
    if (!plan.thing_group.empty() && !rec.has_step(group_step)) {
        Outcome o = iot.add_thing_to_thing_group(plan.thing_group, rec.thing_name);
        if (!o.ok())
            return give_up(reg, rec, "failed", "AddThingToThingGroup " + plan.thing_group + ": " + o.describe(), plan.actor, dry);
        add_step(rec, group_step);
    }
    rec.status = "registered";
    store(reg, rec, "registered" + (plan.thing_group.empty() ? std::string() : ", in thing group " + plan.thing_group),
          plan.actor, dry);
    return {id, dry ? "planned" : "registered", rec, ""};
}

DeviceResult aws_deactivate_device(AwsIot& iot, registry::SharedRegistry& reg, const std::string& id,
                                   const std::string& scope, const std::string& status, const registry::Actor& actor) {
    const bool dry = iot.dry_run();
    auto held = reg.with([&](registry::Registry& r) { return r.find_cloud_record(id, "aws", scope); });
    if (!held || held->certificate_id.empty())
        util::fail_input("--device '" + id + "': no AWS IoT certificate recorded for " + scope +
                         " (register it first, or check --region)");
    registry::CloudRecord rec = *held;
    std::string want = status == "REVOKED" ? "revoked" : "inactive";
    if (rec.status == want) return {id, "skipped", rec, ""};
    Outcome o = iot.update_certificate(rec.certificate_id, status);
    if (!o.ok()) {
        DeviceResult r{id, "failed", rec, "UpdateCertificate: " + o.describe()};
        return r;  // the record keeps what AWS last confirmed
    }
    rec.status = want;
    rec.message.clear();
    store(reg, rec, "certificate " + rec.certificate_id + " set " + status, actor, dry);
    return {id, dry ? "planned" : "deactivated", rec, ""};
}

}  // namespace cloud
