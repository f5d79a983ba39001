#pragma once
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/options.hpp"

namespace cmd {

struct CaIssueIntermediateOptions {
    std::string subject;
    std::string key;
    std::string csr;
    std::string key_type = "ec-p256";
    pki::KeyAccess access;
    std::string issuer_cert;
    std::string issuer_key;
    pki::KeyAccess issuer_access;
    int path_len = 0;
    std::vector<std::string> eku;
    pki::NameConstraints name_constraints;
    std::vector<std::string> crl_urls;
    std::vector<std::string> ocsp_urls;
    std::vector<std::string> ca_issuers_urls;
    ValidityOptions validity;
    std::string out;
    std::string chain_out;
    bool force = false;
};

void run_ca_issue_intermediate(const CaIssueIntermediateOptions& options, Context& ctx);

}  // namespace cmd
