#pragma once
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/options.hpp"

namespace cmd {

struct CertSignCsrOptions {
    std::string csr;
    std::string profile = "device";
    std::string device_id;
    std::vector<std::string> dns;
    std::string subject;
    std::string issuer_cert;
    std::string issuer_key;
    pki::KeyAccess issuer_access;
    std::string chain;
    ValidityOptions validity;
    bool clip_validity = false;
    std::string out;
    std::string chain_out;
    bool force = false;
};

void run_cert_sign_csr(const CertSignCsrOptions& options, Context& ctx);

}  // namespace cmd
