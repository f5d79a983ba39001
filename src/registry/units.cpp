// Provisioning-station rows: unit progress and ID counters (schema step 3).
#include "registry/registry.hpp"

namespace registry {

namespace {

const char* kUnitColumns =
    "hw_uid, device_id, step, failed_step, reason, public_key_sha256, cert_pem, port, job, attempts, station, "
    "operator_name, updated_at";

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }

}  // namespace

UnitProgress Registry::unit_row(const Row& r) const {
    UnitProgress u;
    u.hw_uid = text(r[0]);
    u.device_id = text(r[1]);
    u.step = text(r[2]);
    u.failed_step = text(r[3]);
    u.reason = text(r[4]);
    u.public_key_sha256 = text(r[5]);
    u.cert_pem = text(r[6]);
    u.port = text(r[7]);
    u.job = text(r[8]);
    u.attempts = r[9] ? std::stoll(*r[9]) : 0;
    u.station = text(r[10]);
    u.operator_name = text(r[11]);
    u.updated_at = r[12] ? std::stoll(*r[12]) : 0;
    return u;
}

void Registry::save_unit(const UnitProgress& u, const Actor& actor) {
    require_transaction("save_unit");
    if (u.hw_uid.empty()) util::fail_op("registry: a unit needs its hardware UID");
    run(std::string("INSERT INTO provisioning_units (") + kUnitColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
            "ON CONFLICT (hw_uid) DO UPDATE SET device_id = $2, step = $3, failed_step = $4, reason = $5, "
            "public_key_sha256 = $6, cert_pem = $7, port = $8, job = $9, attempts = $10, station = $11, "
            "operator_name = $12, updated_at = $13",
        {u.hw_uid, u.device_id, u.step, u.failed_step, u.reason, u.public_key_sha256, u.cert_pem, u.port, u.job,
         u.attempts, actor.station, actor.operator_name, clock_->now()});
    std::string detail = "hw_uid " + u.hw_uid + ", step " + u.step;
    if (!u.failed_step.empty()) detail += ", failed at " + u.failed_step;
    if (!u.reason.empty()) detail += ": " + u.reason;
    if (!u.port.empty()) detail += ", port " + u.port;
    if (!u.job.empty()) detail += ", job " + u.job;
    append_audit({"provision", u.device_id, "", "", detail}, actor);
}

std::optional<UnitProgress> Registry::find_unit(const std::string& hw_uid) {
    auto rows = run(std::string("SELECT ") + kUnitColumns + " FROM provisioning_units WHERE hw_uid = $1", {hw_uid});
    if (rows.empty()) return std::nullopt;
    return unit_row(rows[0]);
}

std::optional<UnitProgress> Registry::find_unit_by_device(const std::string& device_id) {
    if (device_id.empty()) return std::nullopt;
    auto rows =
        run(std::string("SELECT ") + kUnitColumns + " FROM provisioning_units WHERE device_id = $1", {device_id});
    if (rows.empty()) return std::nullopt;
    return unit_row(rows[0]);
}

int64_t Registry::take_id_seq(const std::string& id_template, int64_t first) {
    require_transaction("take_id_seq");
    // Writers are serialised, so two stations never read the same number.
    auto rows = run("SELECT next_seq FROM id_counters WHERE template = $1", {id_template});
    int64_t seq = rows.empty() ? first : std::stoll(text(rows[0][0]));
    if (seq < first) seq = first;
    if (rows.empty())
        run("INSERT INTO id_counters (template, next_seq) VALUES ($1, $2)", {id_template, seq + 1});
    else
        run("UPDATE id_counters SET next_seq = $1 WHERE template = $2", {seq + 1, id_template});
    return seq;
}

}  // namespace registry
