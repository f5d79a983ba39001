#pragma once
// One device into AWS IoT: its certificate, its thing, the certificate
// attached to the thing, a policy on the certificate and the thing in a
// group. Each step is stored in the registry as soon as AWS confirms it, so
// a re-run skips what is done and a killed run resumes after the last step.
// "Already exists" is checked against what we hold before it counts as done.
#include <map>
#include <string>

#include "cloud/aws_iot.hpp"
#include "cloud/targets.hpp"

namespace cloud {

struct AwsRegisterPlan {
    std::string scope;        // the region
    std::string ca_pem;       // the registered CA; empty: RegisterCertificateWithoutCA
    std::string policy;       // empty: none
    std::string thing_type;
    std::string thing_group;
    std::map<std::string, std::string> attributes;  // --attributes, over sku/hw_revision/batch
    registry::Actor actor;
};

// Exit 2 for a key or value AWS IoT refuses in thing attributes.
std::map<std::string, std::string> parse_attributes(const std::string& text);

DeviceResult aws_register_device(AwsIot& iot, registry::SharedRegistry& reg, const Target& target,
                                 const AwsRegisterPlan& plan);

// `status` INACTIVE or REVOKED.
DeviceResult aws_deactivate_device(AwsIot& iot, registry::SharedRegistry& reg, const std::string& device_id,
                                   const std::string& scope, const std::string& status, const registry::Actor& actor);

}  // namespace cloud
