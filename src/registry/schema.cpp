#include "registry/schema.hpp"

namespace registry {

const std::vector<Migration>& migrations() {
    // Never edit a released step: add a new one. Times are Unix seconds (UTC).
    static const std::vector<Migration> steps = {
        {1,
         {
             "CREATE TABLE devices ("
             " device_id TEXT PRIMARY KEY,"
             " hardware_uid TEXT NOT NULL,"
             " sku TEXT NOT NULL,"
             " hw_revision TEXT NOT NULL,"
             " batch TEXT NOT NULL,"
             " state TEXT NOT NULL CHECK (state IN ('manufactured','stocked','shipped','activated',"
             "'returned','refurbished','quarantined','retired')),"
             " prior_state TEXT,"
             " rma_count BIGINT NOT NULL DEFAULT 0,"
             " spec_version TEXT NOT NULL,"
             " station TEXT NOT NULL,"
             " operator_name TEXT NOT NULL,"
             " created_at BIGINT NOT NULL,"
             " updated_at BIGINT NOT NULL)",
             "CREATE INDEX devices_state ON devices (state)",
             "CREATE INDEX devices_batch ON devices (batch)",
             "CREATE INDEX devices_sku ON devices (sku)",
             "CREATE TABLE certificates ("
             " issuer TEXT NOT NULL,"
             " serial TEXT NOT NULL,"
             " fingerprint TEXT NOT NULL UNIQUE,"
             " device_id TEXT NOT NULL REFERENCES devices (device_id),"
             " not_before BIGINT NOT NULL,"
             " not_after BIGINT NOT NULL,"
             " status TEXT NOT NULL CHECK (status IN ('active','superseded','revoked')),"
             " revoked_at BIGINT,"
             " revocation_reason TEXT,"
             " pem TEXT NOT NULL,"
             " created_at BIGINT NOT NULL,"
             " PRIMARY KEY (issuer, serial))",
             // The database itself guarantees one active certificate per device,
             // whatever the number of writers.
             "CREATE UNIQUE INDEX certificates_one_active ON certificates (device_id) WHERE status = 'active'",
             "CREATE INDEX certificates_device ON certificates (device_id)",
             "CREATE TABLE audit ("
             " seq BIGINT PRIMARY KEY,"
             " recorded_at BIGINT NOT NULL,"
             " operator_name TEXT NOT NULL,"
             " station TEXT NOT NULL,"
             " action TEXT NOT NULL,"
             " device_id TEXT NOT NULL,"
             " serial TEXT NOT NULL,"
             " fingerprint TEXT NOT NULL,"
             " detail TEXT NOT NULL,"
             " prev_hash TEXT NOT NULL,"
             " entry_hash TEXT NOT NULL UNIQUE)",
             "CREATE INDEX audit_device ON audit (device_id)",
         }},
        {2,
         {
             // The last CRL number each issuer (its subject DN as RFC 4514 text) handed out.
             "CREATE TABLE crl_numbers ("
             " issuer TEXT PRIMARY KEY,"
             " number BIGINT NOT NULL)",
         }},
        {3,
         {
             // Units on a provisioning station, by hardware UID: the last step
             // each one completed, so a station that lost power resumes them.
             // The certificate issued for the unit's key is kept from the moment
             // it is made, before it reaches the device: never a second identity.
             "CREATE TABLE provisioning_units ("
             " hw_uid TEXT PRIMARY KEY,"
             " device_id TEXT NOT NULL,"
             " step TEXT NOT NULL,"
             " failed_step TEXT NOT NULL,"
             " reason TEXT NOT NULL,"
             " public_key_sha256 TEXT NOT NULL,"
             " cert_pem TEXT NOT NULL,"
             " port TEXT NOT NULL,"
             " job TEXT NOT NULL,"
             " attempts BIGINT NOT NULL,"
             " station TEXT NOT NULL,"
             " operator_name TEXT NOT NULL,"
             " updated_at BIGINT NOT NULL)",
             "CREATE UNIQUE INDEX provisioning_units_device ON provisioning_units (device_id) WHERE device_id <> ''",
             // The next sequence number each ID template hands out on a station.
             "CREATE TABLE id_counters ("
             " template TEXT PRIMARY KEY,"
             " next_seq BIGINT NOT NULL)",
         }},
        {4,
         {
             // What a cloud answered for each device: one row per device,
             // provider and scope (AWS region, DPS host). `steps` lists the
             // requests already done, so a re-run skips them and a killed run
             // resumes after the last one.
             "CREATE TABLE cloud_records ("
             " device_id TEXT NOT NULL REFERENCES devices (device_id),"
             " provider TEXT NOT NULL CHECK (provider IN ('aws','azure')),"
             " scope TEXT NOT NULL,"
             " fingerprint TEXT NOT NULL,"
             " status TEXT NOT NULL,"
             " steps TEXT NOT NULL,"
             " certificate_id TEXT NOT NULL,"
             " certificate_arn TEXT NOT NULL,"
             " thing_name TEXT NOT NULL,"
             " thing_arn TEXT NOT NULL,"
             " enrollment_id TEXT NOT NULL,"
             " etag TEXT NOT NULL,"
             " message TEXT NOT NULL,"
             " updated_at BIGINT NOT NULL,"
             " PRIMARY KEY (device_id, provider, scope))",
         }},
    };
    return steps;
}

}  // namespace registry
