// What the clouds answered for each device (schema step 4).
#include <algorithm>
#include <sstream>

#include "registry/registry.hpp"

namespace registry {

namespace {

const char* kCloudColumns =
    "device_id, provider, scope, fingerprint, status, steps, certificate_id, certificate_arn, thing_name, "
    "thing_arn, enrollment_id, etag, message, updated_at";

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }

std::string join_steps(const std::vector<std::string>& steps) {
    std::string out;
    for (const auto& s : steps) out += (out.empty() ? "" : ",") + s;
    return out;
}

std::vector<std::string> split_steps(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string s; std::getline(in, s, ',');)
        if (!s.empty()) out.push_back(s);
    return out;
}

}  // namespace

bool CloudRecord::has_step(const std::string& step) const {
    return std::find(steps.begin(), steps.end(), step) != steps.end();
}

CloudRecord Registry::cloud_row(const Row& r) const {
    CloudRecord c;
    c.device_id = text(r[0]);
    c.provider = text(r[1]);
    c.scope = text(r[2]);
    c.fingerprint = text(r[3]);
    c.status = text(r[4]);
    c.steps = split_steps(text(r[5]));
    c.certificate_id = text(r[6]);
    c.certificate_arn = text(r[7]);
    c.thing_name = text(r[8]);
    c.thing_arn = text(r[9]);
    c.enrollment_id = text(r[10]);
    c.etag = text(r[11]);
    c.message = text(r[12]);
    c.updated_at = r[13] ? std::stoll(*r[13]) : 0;
    return c;
}

void Registry::save_cloud_record(const CloudRecord& c, const std::string& detail, const Actor& actor) {
    require_transaction("save_cloud_record");
    if (c.device_id.empty() || c.provider.empty() || c.scope.empty())
        util::fail_op("registry: a cloud record needs its device, provider and scope");
    run(std::string("INSERT INTO cloud_records (") + kCloudColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
            "ON CONFLICT (device_id, provider, scope) DO UPDATE SET fingerprint = $4, status = $5, steps = $6, "
            "certificate_id = $7, certificate_arn = $8, thing_name = $9, thing_arn = $10, enrollment_id = $11, "
            "etag = $12, message = $13, updated_at = $14",
        {c.device_id, c.provider, c.scope, c.fingerprint, c.status, join_steps(c.steps), c.certificate_id,
         c.certificate_arn, c.thing_name, c.thing_arn, c.enrollment_id, c.etag, c.message, clock_->now()});
    append_audit({"cloud", c.device_id, "", c.fingerprint, c.provider + " " + c.scope + ": " + detail}, actor);
}

std::optional<CloudRecord> Registry::find_cloud_record(const std::string& device_id, const std::string& provider,
                                                       const std::string& scope) {
    auto rows = run(std::string("SELECT ") + kCloudColumns +
                        " FROM cloud_records WHERE device_id = $1 AND provider = $2 AND scope = $3",
                    {device_id, provider, scope});
    if (rows.empty()) return std::nullopt;
    return cloud_row(rows[0]);
}

std::vector<CloudRecord> Registry::cloud_records_of(const std::string& device_id) {
    std::vector<CloudRecord> out;
    for (const auto& r : run(std::string("SELECT ") + kCloudColumns +
                                 " FROM cloud_records WHERE device_id = $1 ORDER BY provider, scope",
                             {device_id}))
        out.push_back(cloud_row(r));
    return out;
}

}  // namespace registry
