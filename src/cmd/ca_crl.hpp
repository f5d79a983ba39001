#pragma once
#include <string>

#include "cmd/options.hpp"
#include "cmd/registry_options.hpp"

namespace cmd {

struct CaCrlOptions {
    std::string issuer_cert;
    std::string issuer_key;
    pki::KeyAccess issuer_access;
    std::string out;
    std::string next_update = "7d";
    RegistryOptions registry;
    bool force = false;
};

void run_ca_crl(const CaCrlOptions& options, Context& ctx);

}  // namespace cmd
