#pragma once
#include <string>

#include "cmd/context.hpp"
#include "cmd/options.hpp"

namespace cmd {

struct CsrCreateOptions {
    std::string subject;
    std::string key;            // existing key to use
    std::string new_key;        // or: make a key here (plain PEM file, 0600, for lab and device simulation)
    std::string key_type = "ec-p256";
    pki::KeyAccess access;
    std::string out;
    bool force = false;
};

void run_csr_create(const CsrCreateOptions& options, Context& ctx);

}  // namespace cmd
