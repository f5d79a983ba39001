#pragma once
#include <string>

#include "cmd/batch_options.hpp"

namespace cmd {

struct BatchSignCsrsOptions {
    BatchOptions batch;
    std::string csr_dir;
    std::string map;
};

void run_batch_sign_csrs(const BatchSignCsrsOptions& options, Context& ctx);

}  // namespace cmd
