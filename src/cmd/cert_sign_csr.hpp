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
    std::string id_template;  // when set, --device-id must match it, check character included
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
