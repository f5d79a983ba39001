#pragma once
// The devices a cloud command works on, read from the registry, and what it
// reports for each: the shared shape of every register, enroll and
// deactivate run.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/registry.hpp"
#include "registry/shared.hpp"

namespace cloud {

struct Target {
    registry::Device device;
    registry::Certificate cert;  // the device's active certificate
};

// --device IDs (each must exist and hold an active certificate: exit 2 naming
// it) or every device of --batch that holds one (exit 2 when there is none).
std::vector<Target> load_targets(registry::Registry& reg, const std::vector<std::string>& device_ids,
                                 const std::string& batch);

struct DeviceResult {
    std::string device_id;
    // registered, skipped (already done), failed, conflict; planned under --dry-run;
    // deactivated/disabled for those commands.
    std::string status;
    registry::CloudRecord record;
    std::string message;  // the provider's message or our reason, for failed and conflict
};

nlohmann::json result_json(const DeviceResult& r);
// A stored record as `registry show` prints it.
nlohmann::json record_json(const registry::CloudRecord& c);

// A device that could not be worked on at all (the registry failed, say).
DeviceResult failed_result(const std::string& device_id, const std::string& provider, const std::string& scope,
                           const std::string& fingerprint, const std::string& why);

// Saves the record with its audit entry, unless this is a dry run.
void store(registry::SharedRegistry& reg, const registry::CloudRecord& record, const std::string& detail,
           const registry::Actor& actor, bool dry_run);

// Marks the record failed or in conflict, stores it, and returns the result.
DeviceResult give_up(registry::SharedRegistry& reg, registry::CloudRecord record, const std::string& status,
                     const std::string& message, const registry::Actor& actor, bool dry_run);

}  // namespace cloud
