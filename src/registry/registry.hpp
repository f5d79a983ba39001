#pragma once
// The device registry: devices, their certificates and an append-only,
// hash-chained audit log, on SQLite or PostgreSQL (docs/registry.md).
//
// Every change goes through a Transaction; each change writes its audit entry
// in the same transaction, so a rolled-back change leaves no trace and a
// committed one always has its entry. Writers are serialised by the engine
// (BEGIN IMMEDIATE on SQLite, a transaction-scoped advisory lock on
// PostgreSQL), and unique indexes in the database are the last word on one
// active certificate per device and unique serials and fingerprints.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "registry/lifecycle.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace registry {

// The newest schema this binary knows; a database with a higher version is refused.
inline constexpr int kSchemaVersion = 4;

// Who did it, from where: recorded in every audit entry.
struct Actor {
    std::string operator_name;
    std::string station;
};

struct NewDevice {
    std::string device_id;
    std::string hardware_uid;
    std::string sku;
    std::string hw_revision;
    std::string batch;
    std::string spec_version;
    State state = State::manufactured;
};

struct Device {
    std::string device_id;
    std::string hardware_uid;
    std::string sku;
    std::string hw_revision;
    std::string batch;
    State state = State::manufactured;
    std::optional<State> prior_state;  // the state before quarantine
    int64_t rma_count = 0;
    std::string spec_version;
    std::string station;
    std::string operator_name;
    int64_t created_at = 0;
    int64_t updated_at = 0;
};

enum class CertStatus { active, superseded, revoked };
std::string to_string(CertStatus s);

struct NewCertificate {
    std::string device_id;
    std::string issuer;       // issuer DN as text
    std::string serial;       // uppercase hex
    std::string fingerprint;  // lowercase hex SHA-256 of the DER
    int64_t not_before = 0;
    int64_t not_after = 0;
    std::string pem;
};

struct Certificate {
    std::string issuer;
    std::string serial;
    std::string fingerprint;
    std::string device_id;
    int64_t not_before = 0;
    int64_t not_after = 0;
    CertStatus status = CertStatus::active;
    std::optional<int64_t> revoked_at;
    std::string revocation_reason;
    std::string pem;
    int64_t created_at = 0;
};

// What an audit entry says. Never a secret: identifiers, states and reasons only.
struct AuditInput {
    std::string action;  // register, issue, supersede, revoke, state
    std::string device_id;
    std::string serial;
    std::string fingerprint;
    std::string detail;
};

struct AuditEntry {
    int64_t seq = 0;
    int64_t time = 0;
    std::string operator_name;
    std::string station;
    std::string action;
    std::string device_id;
    std::string serial;
    std::string fingerprint;
    std::string detail;
    std::string prev_hash;   // entry_hash of seq-1; 64 zeros for the first
    std::string entry_hash;  // SHA-256 of the canonical entry (audit.cpp)
};

struct AuditReport {
    int64_t entries = 0;
    std::optional<int64_t> first_broken;  // seq of the first entry that does not check out
    std::string problem;
    bool ok() const { return !first_broken; }
};

struct DeviceFilter {
    std::optional<State> state;
    std::string batch;
    std::string sku;
    int64_t limit = 0;  // 0: no limit
};

// A unit on a provisioning station (docs/device-protocol.md): where it
// stands, keyed by the hardware UID the device reports.
struct UnitProgress {
    std::string hw_uid;
    std::string device_id;          // "" until one is assigned
    std::string step;               // the last step completed (BOOTSTRAP ... PROVISIONED, QUARANTINE)
    std::string failed_step;        // QUARANTINE: the step that failed
    std::string reason;             // QUARANTINE: why
    std::string public_key_sha256;  // of the unit's SubjectPublicKeyInfo, once known
    std::string cert_pem;           // the certificate issued for that key
    std::string port;
    std::string job;
    int64_t attempts = 0;           // station runs that worked on the unit
    std::string station;
    std::string operator_name;
    int64_t updated_at = 0;
};

// A device as a cloud knows it (docs/cloud.md): the identifiers the cloud
// answered with and the steps done, for one provider and scope.
struct CloudRecord {
    std::string device_id;
    std::string provider;        // aws, azure
    std::string scope;           // AWS region, DPS host
    std::string fingerprint;     // the certificate registered (SHA-256, lowercase hex)
    std::string status;          // registered, partial, failed, conflict, inactive, revoked, disabled
    std::vector<std::string> steps;  // done, in order (certificate, thing, principal, policy, group; enrollment)
    std::string certificate_id;
    std::string certificate_arn;
    std::string thing_name;
    std::string thing_arn;
    std::string enrollment_id;
    std::string etag;
    std::string message;         // the provider's message for failed and conflict
    int64_t updated_at = 0;
    bool has_step(const std::string& step) const;
};

struct StateChange {
    State from;
    State to;
};

class Transaction;

class Registry {
public:
    virtual ~Registry() = default;
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // The URL with any password replaced, safe for messages.
    const std::string& display_url() const { return display_url_; }
    int schema_version();

    // Changes: only inside a Transaction; each appends its audit entry.
    void add_device(const NewDevice& device, const Actor& actor);
    // Stores the certificate as active; the device's previous active one becomes superseded.
    void add_certificate(const NewCertificate& cert, const Actor& actor);
    // A new device with its first certificate, for callers that have just
    // seen, under this transaction, that the device is absent (the batch
    // engine): two inserts and their audit entries, no look-ups. The unique
    // indexes still refuse a duplicate device, serial or fingerprint.
    void add_device_with_certificate(const NewDevice& device, const NewCertificate& cert, const Actor& actor);
    // Exit 2 naming the current state and the allowed next states when not allowed.
    StateChange set_state(const std::string& device_id, State to, const std::string& reason, const Actor& actor);
    void revoke(const std::string& issuer, const std::string& serial, const std::string& reason, const Actor& actor);
    // For events the registry does not model itself (the batch engine's own steps).
    AuditEntry append_audit(const AuditInput& input, const Actor& actor);
    // The next CRL number of this issuer (1 for its first CRL), strictly
    // greater than any handed out before; recorded with a "crl" audit entry.
    int64_t next_crl_number(const std::string& issuer, const Actor& actor);
    // Inserts or replaces the unit's row, with an audit entry "provision"
    // naming the step (and the reason, for QUARANTINE).
    void save_unit(const UnitProgress& unit, const Actor& actor);
    // The next sequence number for an ID template, starting at `first`;
    // each call hands out a new one.
    int64_t take_id_seq(const std::string& id_template, int64_t first);
    // Inserts or replaces the record, with an audit entry "cloud" carrying
    // `detail` (identifiers and states only, never a credential).
    void save_cloud_record(const CloudRecord& record, const std::string& detail, const Actor& actor);

    // Reads.
    std::optional<Device> find_device(const std::string& device_id);
    // The cheap question before find_device: is the ID taken at all?
    bool device_exists(const std::string& device_id);
    std::vector<Device> list_devices(const DeviceFilter& filter);
    std::vector<Certificate> certificates_of(const std::string& device_id);
    // Oldest first; all entries when device_id is empty.
    std::vector<AuditEntry> audit_entries(const std::string& device_id = {});
    AuditReport verify_audit();
    bool serial_in_use(const std::string& issuer, const std::string& serial);
    // Every certificate with this serial, whatever its issuer (oldest first).
    std::vector<Certificate> certificates_with_serial(const std::string& serial);
    // The revoked certificates of this issuer (exact issuer text), by serial.
    std::vector<Certificate> revoked_by(const std::string& issuer);
    // Active certificates with their device's batch, in fingerprint order:
    // those after `after_fingerprint`, at most `limit`. Pages keep memory
    // flat for a fleet of millions.
    std::vector<std::pair<Certificate, std::string>> active_certificates(const std::string& after_fingerprint,
                                                                         int64_t limit);
    std::optional<UnitProgress> find_unit(const std::string& hw_uid);
    // The unit that holds this device ID, if any.
    std::optional<UnitProgress> find_unit_by_device(const std::string& device_id);
    std::optional<CloudRecord> find_cloud_record(const std::string& device_id, const std::string& provider,
                                                 const std::string& scope);
    // Every cloud record of a device, by provider and scope.
    std::vector<CloudRecord> cloud_records_of(const std::string& device_id);
    // The distinct issuer texts that have revoked certificates, sorted.
    std::vector<std::string> revoking_issuers();

protected:
    // A value bound to a statement parameter; SQL text is always a constant.
    using Value = std::variant<std::nullptr_t, int64_t, std::string>;
    using Row = std::vector<std::optional<std::string>>;

    Registry(std::string display_url, const util::Clock& clock);

    // Runs one statement with $1..$n parameters; returns its rows as text.
    // A unique-constraint failure throws ConstraintViolation.
    virtual std::vector<Row> run(const std::string& sql, const std::vector<Value>& params) = 0;
    // Starts a write transaction that excludes every other writer.
    virtual void begin_write() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // Applies pending migrations; the engine calls it once connected.
    void migrate();

private:
    friend class Transaction;
    void require_transaction(const char* what) const;
    // The row and its "register" audit entry; the certificate row alone.
    void insert_device(const NewDevice& d, const Actor& actor);
    void insert_certificate(const NewCertificate& c);
    Device device_row(const Row& r) const;
    Certificate cert_row(const Row& r) const;
    AuditEntry audit_row(const Row& r) const;
    UnitProgress unit_row(const Row& r) const;
    CloudRecord cloud_row(const Row& r) const;

    std::string display_url_;
    const util::Clock* clock_;
    bool in_transaction_ = false;
    // The last audit entry as this transaction left it (seq, entry_hash):
    // writers are serialised, so within one transaction nobody else appends.
    std::optional<std::pair<int64_t, std::string>> audit_tail_;
};

// Commit is explicit; leaving scope without commit() rolls back.
class Transaction {
public:
    explicit Transaction(Registry& registry);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Registry* registry_;
    bool open_ = true;
};

// A unique index or key said no (exit 2); the message names the constraint.
class ConstraintViolation : public util::Error {
public:
    explicit ConstraintViolation(const std::string& message) : util::Error(util::ExitCode::usage, message) {}
};

// sqlite:PATH or postgresql://... (postgres:// too). Migrates the schema;
// refuses a newer one (exit 2); an unreachable database is exit 1 naming the redacted URL.
std::unique_ptr<Registry> open_registry(const std::string& url, const util::Clock& clock);

// The URL with the password (user:PASSWORD@ or password=...) replaced by ***.
std::string redact_url(const std::string& url);

// The URL to use: the option, else $PROVCTL_REGISTRY, else sqlite:provctl.db.
std::string default_url(const std::string& option);

}  // namespace registry
