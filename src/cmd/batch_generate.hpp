#pragma once
#include <cstdint>
#include <string>

#include "cmd/batch_options.hpp"

namespace cmd {

struct BatchGenerateOptions {
    BatchOptions batch;
    uint64_t count = 0;
    uint64_t start = 1;
    std::string ids;
    std::string key_type = "ec-p256";
    std::string recipient;
    bool plaintext_keys = false;
};

void run_batch_generate(const BatchGenerateOptions& options, Context& ctx);

}  // namespace cmd
