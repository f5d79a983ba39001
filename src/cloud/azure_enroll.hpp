#pragma once
// Devices into Azure DPS as individual enrollments: one PUT per device, or
// for a batch bulk "create" requests of at most ten. A device's enrollment ID
// and etag are stored in the registry once DPS confirms them; "already
// exists" counts as done only when DPS holds the same certificate.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cloud/azure_dps.hpp"
#include "cloud/targets.hpp"

namespace cloud {

inline constexpr size_t kDpsBulkMax = 10;

struct AzureEnrollPlan {
    std::string scope;                  // the DPS host
    std::string attestation = "x509";   // x509 | symmetric-key
    std::vector<std::string> iot_hubs;
    std::string allocation;             // hashed | static | geoLatency; empty: the service's default
    nlohmann::json initial_twin;        // null: none
    std::string provisioning_status = "enabled";
    registry::Actor actor;
};

nlohmann::json enrollment_body(const Target& target, const AzureEnrollPlan& plan);

// The record held for the target's certificate, or a new one. `done`: nothing
// is left to do; `previous`: the fingerprint enrolled before a new certificate
// (after an RMA), which DPS may still hold and is then replaced.
registry::CloudRecord azure_record(registry::SharedRegistry& reg, const Target& target, const std::string& scope,
                                   bool& done, std::string& previous);

DeviceResult azure_enroll_device(AzureDps& dps, registry::SharedRegistry& reg, const Target& target,
                                 const AzureEnrollPlan& plan);

// Up to kDpsBulkMax targets in one bulk create. A request DPS refuses as a
// whole is retried one device at a time, so each device gets its own answer.
std::vector<DeviceResult> azure_enroll_chunk(AzureDps& dps, registry::SharedRegistry& reg,
                                             const std::vector<const Target*>& targets, const AzureEnrollPlan& plan);

// provisioningStatus disabled, with the enrollment's current etag.
DeviceResult azure_disable_device(AzureDps& dps, registry::SharedRegistry& reg, const std::string& device_id,
                                  const std::string& scope, const registry::Actor& actor);

}  // namespace cloud
