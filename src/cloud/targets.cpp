#include "cloud/targets.hpp"

#include "util/error.hpp"
#include "util/time.hpp"

namespace cloud {

namespace {

std::optional<registry::Certificate> active_certificate(registry::Registry& reg, const std::string& device_id) {
    for (auto& c : reg.certificates_of(device_id))
        if (c.status == registry::CertStatus::active) return c;
    return std::nullopt;
}

}  // namespace

std::vector<Target> load_targets(registry::Registry& reg, const std::vector<std::string>& device_ids,
                                 const std::string& batch) {
    std::vector<Target> out;
    if (!device_ids.empty() && !batch.empty()) util::fail_input("--device and --batch: give one of them");
    if (device_ids.empty() && batch.empty()) util::fail_input("name the devices: --device ID (repeatable) or --batch NAME");
    if (!batch.empty()) {
        registry::DeviceFilter f;
        f.batch = batch;
        for (auto& d : reg.list_devices(f)) {
            auto cert = active_certificate(reg, d.device_id);
            if (cert) out.push_back({std::move(d), std::move(*cert)});
        }
        if (out.empty())
            util::fail_input("--batch '" + batch + "': no device of that batch in " + reg.display_url() +
                             " holds an active certificate");
        return out;
    }
    for (const auto& id : device_ids) {
        auto d = reg.find_device(id);
        if (!d) util::fail_input("--device '" + id + "': not in the registry " + reg.display_url());
        auto cert = active_certificate(reg, id);
        if (!cert) util::fail_input("--device '" + id + "': has no active certificate (state " + to_string(d->state) + ")");
        out.push_back({std::move(*d), std::move(*cert)});
    }
    return out;
}

nlohmann::json result_json(const DeviceResult& r) {
    const auto& c = r.record;
    nlohmann::json j = {{"device_id", r.device_id}, {"status", r.status}};
    auto put = [&](const char* key, const std::string& v) { j[key] = v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    put("fingerprint", c.fingerprint);
    if (c.provider == "aws") {
        put("certificate_id", c.certificate_id);
        put("certificate_arn", c.certificate_arn);
        put("thing_name", c.thing_name);
        put("thing_arn", c.thing_arn);
    } else {
        put("enrollment_id", c.enrollment_id);
        put("etag", c.etag);
    }
    j["steps"] = c.steps;
    put("message", r.message);
    return j;
}

nlohmann::json record_json(const registry::CloudRecord& c) {
    nlohmann::json j = {{"provider", c.provider}, {"scope", c.scope}, {"fingerprint", c.fingerprint},
                        {"status", c.status},     {"steps", c.steps}};
    auto put = [&](const char* key, const std::string& v) { j[key] = v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    put("certificate_id", c.certificate_id);
    put("certificate_arn", c.certificate_arn);
    put("thing_name", c.thing_name);
    put("thing_arn", c.thing_arn);
    put("enrollment_id", c.enrollment_id);
    put("etag", c.etag);
    put("message", c.message);
    j["updated_at"] = util::format_rfc3339(c.updated_at);
    return j;
}

DeviceResult failed_result(const std::string& device_id, const std::string& provider, const std::string& scope,
                           const std::string& fingerprint, const std::string& why) {
    registry::CloudRecord rec;
    rec.device_id = device_id;
    rec.provider = provider;
    rec.scope = scope;
    rec.fingerprint = fingerprint;
    return {device_id, "failed", rec, why};
}

void store(registry::SharedRegistry& reg, const registry::CloudRecord& record, const std::string& detail,
           const registry::Actor& actor, bool dry_run) {
    if (dry_run) return;
    reg.with([&](registry::Registry& r) {
        registry::Transaction tx(r);
        r.save_cloud_record(record, detail, actor);
        tx.commit();
        return 0;
    });
}

DeviceResult give_up(registry::SharedRegistry& reg, registry::CloudRecord record, const std::string& status,
                     const std::string& message, const registry::Actor& actor, bool dry_run) {
    record.status = status;
    record.message = message;
    store(reg, record, status + ": " + message, actor, dry_run);
    return {record.device_id, status, record, message};
}

}  // namespace cloud
