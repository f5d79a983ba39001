#include "device/station.hpp"

#include <array>

namespace device {

namespace {
constexpr std::array<const char*, 8> kSteps = {"UNPROVISIONED",    "BOOTSTRAP", "ENROLL",      "CREDENTIAL_STORE",
                                               "REGISTER",         "VERIFY",    "PROVISIONED", "QUARANTINE"};
constexpr std::array<const char*, 6> kOutcomes = {"provisioned", "already-provisioned", "verified",
                                                  "refurbished", "quarantined",         "failed"};
}  // namespace

const char* step_name(Step s) { return kSteps[static_cast<size_t>(s)]; }

std::optional<Step> parse_step(const std::string& name) {
    for (size_t i = 0; i < kSteps.size(); ++i)
        if (name == kSteps[i]) return static_cast<Step>(i);
    return std::nullopt;
}

const char* outcome_name(Outcome o) { return kOutcomes[static_cast<size_t>(o)]; }

}  // namespace device
