// The engine-independent half of the registry: rules, audit chain and row
// mapping. Engines only run statements and open transactions.
#include "registry/registry.hpp"

#include <nlohmann/json.hpp>

#include "registry/schema.hpp"
#include "util/ossl.hpp"

namespace registry {

namespace {

const std::string kZeroHash(64, '0');

const char* kDeviceColumns =
    "device_id, hardware_uid, sku, hw_revision, batch, state, prior_state, rma_count, spec_version, station, "
    "operator_name, created_at, updated_at";
const char* kCertColumns =
    "issuer, serial, fingerprint, device_id, not_before, not_after, status, revoked_at, revocation_reason, pem, "
    "created_at";
const char* kAuditColumns =
    "seq, recorded_at, operator_name, station, action, device_id, serial, fingerprint, detail, prev_hash, entry_hash";

std::string text(const std::optional<std::string>& v) { return v.value_or(""); }
int64_t number(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }

State state_of(const std::optional<std::string>& v) {
    auto s = parse_state(text(v));
    if (!s) util::fail_op("the registry holds an unknown lifecycle state '" + text(v) + "'");
    return *s;
}

// The bytes an entry's hash covers: every field but the hash itself, as
// compact JSON with sorted keys, so any engine and any reader recompute it alike.
std::string entry_hash(const AuditEntry& e) {
    nlohmann::json j = {
        {"seq", e.seq},
        {"time", util::format_rfc3339(e.time)},
        {"operator", e.operator_name},
        {"station", e.station},
        {"action", e.action},
        {"device_id", e.device_id},
        {"serial", e.serial},
        {"fingerprint", e.fingerprint},
        {"detail", e.detail},
        {"prev", e.prev_hash},
    };
    return util::sha256_hex(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::string to_string(CertStatus s) {
    switch (s) {
        case CertStatus::active: return "active";
        case CertStatus::superseded: return "superseded";
        case CertStatus::revoked: return "revoked";
    }
    return "active";
}

Registry::Registry(std::string display_url, const util::Clock& clock)
    : display_url_(std::move(display_url)), clock_(&clock) {}

void Registry::require_transaction(const char* what) const {
    // A programming error, not a user's: every change must sit in a Transaction.
    if (!in_transaction_) util::fail_op(std::string("registry: ") + what + " outside a transaction");
}

void Registry::migrate() {
    Transaction tx(*this);
    run("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)", {});
    int current = static_cast<int>(number(run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {})[0][0]));
    if (current > kSchemaVersion)
        util::fail_input("registry " + display_url_ + " has schema version " + std::to_string(current) +
                         ", newer than the " + std::to_string(kSchemaVersion) +
                         " this provctl understands; upgrade provctl");
    for (const auto& m : migrations()) {
        if (m.version <= current) continue;
        for (const auto& statement : m.statements) run(statement, {});
        run("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            {int64_t{m.version}, clock_->now()});
    }
    tx.commit();
}

int Registry::schema_version() {
    return static_cast<int>(number(run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {})[0][0]));
}

Device Registry::device_row(const Row& r) const {
    Device d;
    d.device_id = text(r[0]);
    d.hardware_uid = text(r[1]);
    d.sku = text(r[2]);
    d.hw_revision = text(r[3]);
    d.batch = text(r[4]);
    d.state = state_of(r[5]);
    if (r[6]) d.prior_state = state_of(r[6]);
    d.rma_count = number(r[7]);
    d.spec_version = text(r[8]);
    d.station = text(r[9]);
    d.operator_name = text(r[10]);
    d.created_at = number(r[11]);
    d.updated_at = number(r[12]);
    return d;
}

Certificate Registry::cert_row(const Row& r) const {
    Certificate c;
    c.issuer = text(r[0]);
    c.serial = text(r[1]);
    c.fingerprint = text(r[2]);
    c.device_id = text(r[3]);
    c.not_before = number(r[4]);
    c.not_after = number(r[5]);
    std::string status = text(r[6]);
    c.status = status == "revoked" ? CertStatus::revoked
               : status == "superseded" ? CertStatus::superseded
                                        : CertStatus::active;
    if (r[7]) c.revoked_at = number(r[7]);
    c.revocation_reason = text(r[8]);
    c.pem = text(r[9]);
    c.created_at = number(r[10]);
    return c;
}

AuditEntry Registry::audit_row(const Row& r) const {
    AuditEntry e;
    e.seq = number(r[0]);
    e.time = number(r[1]);
    e.operator_name = text(r[2]);
    e.station = text(r[3]);
    e.action = text(r[4]);
    e.device_id = text(r[5]);
    e.serial = text(r[6]);
    e.fingerprint = text(r[7]);
    e.detail = text(r[8]);
    e.prev_hash = text(r[9]);
    e.entry_hash = text(r[10]);
    return e;
}

AuditEntry Registry::append_audit(const AuditInput& input, const Actor& actor) {
    require_transaction("append_audit");
    // Writers are serialised by begin_write(), so the last entry cannot move
    // under us; the primary key on seq is the backstop.
    if (!audit_tail_) {
        auto last = run("SELECT seq, entry_hash FROM audit ORDER BY seq DESC LIMIT 1", {});
        audit_tail_ = last.empty() ? std::make_pair(int64_t{0}, kZeroHash)
                                   : std::make_pair(number(last[0][0]), text(last[0][1]));
    }
    AuditEntry e;
    e.seq = audit_tail_->first + 1;
    e.prev_hash = audit_tail_->second;
    e.time = clock_->now();
    e.operator_name = actor.operator_name;
    e.station = actor.station;
    e.action = input.action;
    e.device_id = input.device_id;
    e.serial = input.serial;
    e.fingerprint = input.fingerprint;
    e.detail = input.detail;
    e.entry_hash = entry_hash(e);
    run(std::string("INSERT INTO audit (") + kAuditColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {e.seq, e.time, e.operator_name, e.station, e.action, e.device_id, e.serial, e.fingerprint, e.detail,
         e.prev_hash, e.entry_hash});
    audit_tail_ = std::make_pair(e.seq, e.entry_hash);
    return e;
}

void Registry::insert_device(const NewDevice& d, const Actor& actor) {
    int64_t now = clock_->now();
    run(std::string("INSERT INTO devices (") + kDeviceColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, $7, $8, $9, $10, $10)",
        {d.device_id, d.hardware_uid, d.sku, d.hw_revision, d.batch, to_string(d.state), d.spec_version,
         actor.station, actor.operator_name, now});
    append_audit({"register", d.device_id, "", "", "batch " + d.batch + ", sku " + d.sku + ", state " + to_string(d.state)},
                 actor);
}

void Registry::insert_certificate(const NewCertificate& c) {
    run(std::string("INSERT INTO certificates (") + kCertColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, 'active', NULL, NULL, $7, $8)",
        {c.issuer, c.serial, c.fingerprint, c.device_id, c.not_before, c.not_after, c.pem, clock_->now()});
}

void Registry::add_device(const NewDevice& d, const Actor& actor) {
    require_transaction("add_device");
    if (d.device_id.empty()) util::fail_input("a device needs a device ID");
    if (auto existing = find_device(d.device_id))
        util::fail_input("device " + d.device_id + " is already in the registry (" + to_string(existing->state) + ")");
    insert_device(d, actor);
}

void Registry::add_certificate(const NewCertificate& c, const Actor& actor) {
    require_transaction("add_certificate");
    if (!find_device(c.device_id)) util::fail_input("no device " + c.device_id + " in the registry");
    if (serial_in_use(c.issuer, c.serial))
        util::fail_input("serial " + c.serial + " of issuer " + c.issuer + " is already in the registry");
    if (!run("SELECT device_id FROM certificates WHERE fingerprint = $1", {c.fingerprint}).empty())
        util::fail_input("a certificate with fingerprint " + c.fingerprint + " is already in the registry");
    auto old = run("SELECT serial FROM certificates WHERE device_id = $1 AND status = 'active'", {c.device_id});
    run("UPDATE certificates SET status = 'superseded' WHERE device_id = $1 AND status = 'active'", {c.device_id});
    insert_certificate(c);
    std::string detail = "issuer " + c.issuer;
    if (!old.empty()) detail += ", supersedes " + text(old[0][0]);
    append_audit({"issue", c.device_id, c.serial, c.fingerprint, detail}, actor);
}

void Registry::add_device_with_certificate(const NewDevice& d, const NewCertificate& c, const Actor& actor) {
    require_transaction("add_device_with_certificate");
    if (d.device_id.empty() || c.device_id != d.device_id)
        util::fail_op("registry: a new device's certificate must name the device");
    insert_device(d, actor);
    insert_certificate(c);
    append_audit({"issue", c.device_id, c.serial, c.fingerprint, "issuer " + c.issuer}, actor);
}

StateChange Registry::set_state(const std::string& device_id, State to, const std::string& reason, const Actor& actor) {
    require_transaction("set_state");
    auto d = find_device(device_id);
    if (!d) util::fail_input("no device " + device_id + " in the registry");
    check_transition(device_id, d->state, d->prior_state, to);
    // Quarantine remembers where the device came from so it can go back.
    Value prior = nullptr;
    if (to == State::quarantined) prior = to_string(d->state);
    int64_t rma = d->rma_count + (to == State::returned ? 1 : 0);
    run("UPDATE devices SET state = $1, prior_state = $2, rma_count = $3, updated_at = $4 WHERE device_id = $5",
        {to_string(to), prior, rma, clock_->now(), device_id});
    std::string detail = to_string(d->state) + " -> " + to_string(to);
    if (!reason.empty()) detail += ": " + reason;
    append_audit({"state", device_id, "", "", detail}, actor);
    return {d->state, to};
}

void Registry::revoke(const std::string& issuer, const std::string& serial, const std::string& reason,
                      const Actor& actor) {
    require_transaction("revoke");
    auto rows = run(std::string("SELECT ") + kCertColumns + " FROM certificates WHERE issuer = $1 AND serial = $2",
                    {issuer, serial});
    if (rows.empty()) util::fail_input("no certificate with serial " + serial + " of issuer " + issuer + " in the registry");
    Certificate c = cert_row(rows[0]);
    if (c.status == CertStatus::revoked) util::fail_input("certificate " + serial + " is already revoked");
    run("UPDATE certificates SET status = 'revoked', revoked_at = $1, revocation_reason = $2 "
        "WHERE issuer = $3 AND serial = $4",
        {clock_->now(), reason, issuer, serial});
    append_audit({"revoke", c.device_id, serial, c.fingerprint, reason.empty() ? "unspecified" : reason}, actor);
}

int64_t Registry::next_crl_number(const std::string& issuer, const Actor& actor) {
    require_transaction("next_crl_number");
    if (issuer.empty()) util::fail_input("a CRL number needs an issuer");
    // Writers are serialised, so nobody else reads the same last number.
    auto rows = run("SELECT number FROM crl_numbers WHERE issuer = $1", {issuer});
    int64_t next = rows.empty() ? 1 : number(rows[0][0]) + 1;
    if (rows.empty())
        run("INSERT INTO crl_numbers (issuer, number) VALUES ($1, $2)", {issuer, next});
    else
        run("UPDATE crl_numbers SET number = $1 WHERE issuer = $2", {next, issuer});
    append_audit({"crl", "", "", "", "issuer " + issuer + ", CRL number " + std::to_string(next)}, actor);
    return next;
}

std::optional<Device> Registry::find_device(const std::string& device_id) {
    auto rows = run(std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE device_id = $1", {device_id});
    if (rows.empty()) return std::nullopt;
    return device_row(rows[0]);
}

bool Registry::device_exists(const std::string& device_id) {
    return !run("SELECT 1 FROM devices WHERE device_id = $1", {device_id}).empty();
}

std::vector<Device> Registry::list_devices(const DeviceFilter& f) {
    // Constant SQL: an empty filter value matches everything.
    auto rows = run(std::string("SELECT ") + kDeviceColumns +
                        " FROM devices WHERE ($1 = '' OR state = $1) AND ($2 = '' OR batch = $2)"
                        " AND ($3 = '' OR sku = $3) ORDER BY device_id LIMIT $4",
                    {f.state ? to_string(*f.state) : std::string(), f.batch, f.sku,
                     f.limit > 0 ? f.limit : int64_t{1} << 62});
    std::vector<Device> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(device_row(r));
    return out;
}

std::vector<Certificate> Registry::certificates_of(const std::string& device_id) {
    auto rows = run(std::string("SELECT ") + kCertColumns +
                        " FROM certificates WHERE device_id = $1 ORDER BY created_at, not_before, serial",
                    {device_id});
    std::vector<Certificate> out;
    for (const auto& r : rows) out.push_back(cert_row(r));
    return out;
}

std::vector<AuditEntry> Registry::audit_entries(const std::string& device_id) {
    auto rows = run(std::string("SELECT ") + kAuditColumns + " FROM audit WHERE ($1 = '' OR device_id = $1) ORDER BY seq",
                    {device_id});
    std::vector<AuditEntry> out;
    for (const auto& r : rows) out.push_back(audit_row(r));
    return out;
}

AuditReport Registry::verify_audit() {
    AuditReport report;
    std::string prev = kZeroHash;
    int64_t expected = 1;
    for (const auto& e : audit_entries()) {
        ++report.entries;
        auto broken = [&](const std::string& problem) {
            report.first_broken = e.seq;
            report.problem = problem;
        };
        if (e.seq != expected)
            broken("seq " + std::to_string(e.seq) + " where " + std::to_string(expected) +
                   " was expected: entries were removed");
        else if (e.prev_hash != prev)
            broken("prev_hash does not match the hash of entry " + std::to_string(e.seq - 1) +
                   ": an earlier entry was changed or removed");
        else if (entry_hash(e) != e.entry_hash)
            broken("entry_hash does not match the entry: it was changed");
        if (report.first_broken) return report;
        prev = e.entry_hash;
        ++expected;
    }
    return report;
}

bool Registry::serial_in_use(const std::string& issuer, const std::string& serial) {
    return !run("SELECT serial FROM certificates WHERE issuer = $1 AND serial = $2", {issuer, serial}).empty();
}

std::vector<Certificate> Registry::certificates_with_serial(const std::string& serial) {
    auto rows = run(std::string("SELECT ") + kCertColumns +
                        " FROM certificates WHERE serial = $1 ORDER BY created_at, issuer",
                    {serial});
    std::vector<Certificate> out;
    for (const auto& r : rows) out.push_back(cert_row(r));
    return out;
}

std::vector<Certificate> Registry::revoked_by(const std::string& issuer) {
    auto rows = run(std::string("SELECT ") + kCertColumns +
                        " FROM certificates WHERE issuer = $1 AND status = 'revoked' ORDER BY serial",
                    {issuer});
    std::vector<Certificate> out;
    for (const auto& r : rows) out.push_back(cert_row(r));
    return out;
}

std::vector<std::pair<Certificate, std::string>> Registry::active_certificates(const std::string& after_fingerprint,
                                                                                int64_t limit) {
    auto rows = run(
        "SELECT c.issuer, c.serial, c.fingerprint, c.device_id, c.not_before, c.not_after, c.status, c.revoked_at, "
        "c.revocation_reason, c.pem, c.created_at, d.batch FROM certificates c JOIN devices d ON d.device_id = c.device_id "
        "WHERE c.status = 'active' AND c.fingerprint > $1 ORDER BY c.fingerprint LIMIT $2",
        {after_fingerprint, limit});
    std::vector<std::pair<Certificate, std::string>> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.emplace_back(cert_row(r), text(r[11]));
    return out;
}

std::vector<std::string> Registry::revoking_issuers() {
    auto rows = run("SELECT DISTINCT issuer FROM certificates WHERE status = 'revoked' ORDER BY issuer", {});
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(text(r[0]));
    return out;
}

Transaction::Transaction(Registry& registry) : registry_(&registry) {
    if (registry.in_transaction_) util::fail_op("registry: nested transaction");
    registry.audit_tail_.reset();
    registry.begin_write();
    registry.in_transaction_ = true;
}

Transaction::~Transaction() {
    if (!open_) return;
    registry_->rollback();
    registry_->in_transaction_ = false;
    registry_->audit_tail_.reset();
}

void Transaction::commit() {
    if (!open_) util::fail_op("registry: transaction already finished");
    registry_->commit();
    open_ = false;
    registry_->in_transaction_ = false;
}

}  // namespace registry
