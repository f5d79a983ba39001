#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "pki/verify.hpp"

namespace cmd {

struct CertVerifyOptions {
    std::string cert;
    std::vector<std::string> untrusted;
    std::vector<std::string> trust;
    std::vector<std::string> crls;
    std::string at;  // empty: now
    std::string purpose = "any";
    std::string name;
    std::string device_id;
    std::vector<std::string> policies;
    bool explicit_policy = false;
    bool inhibit_policy_mapping = false;
    bool inhibit_any_policy = false;
};

// Verifies and prints the outcome (JSON or human) whether valid or not, and
// returns it; the command maps "not valid" to exit 3 after printing.
pki::VerifyResult run_cert_verify(const CertVerifyOptions& options, Context& ctx);

// The provctl.cert.verify/v1 document.
nlohmann::json verify_document(const pki::VerifyResult& result);

}  // namespace cmd
