#pragma once
#include <optional>
#include <string>

#include "cmd/context.hpp"
#include "cmd/options.hpp"

namespace cmd {

struct CaInitRootOptions {
    std::string subject;
    std::string key;
    std::string key_type = "ec-p256";
    std::optional<int> path_len;
    ValidityOptions validity;
    std::string out;
    bool force = false;
    pki::KeyAccess access;
};

void run_ca_init_root(const CaInitRootOptions& options, Context& ctx);

}  // namespace cmd
