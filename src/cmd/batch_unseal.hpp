#pragma once
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/options.hpp"

namespace cmd {

struct BatchUnsealOptions {
    std::vector<std::string> files;
    std::string recipient_cert;
    std::string recipient_key;
    pki::KeyAccess access;
    std::string out;
    std::string out_dir;
    bool force = false;
};

void run_batch_unseal(const BatchUnsealOptions& options, Context& ctx);

}  // namespace cmd
