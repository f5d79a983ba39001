#pragma once
#include <string>

#include "cmd/registry_options.hpp"

namespace cmd {

struct CaRevokeOptions {
    std::string device_id;    // --device: that device's active certificate
    std::string serial;       // --serial: hex, any case, colons allowed
    std::string issuer_cert;  // --issuer-cert: picks the issuer when a serial is ambiguous
    std::string reason;       // an RFC 5280 CRLReason name
    RegistryOptions registry;
};

void run_ca_revoke(const CaRevokeOptions& options, Context& ctx);

}  // namespace cmd
