#pragma once
#include <string>

#include "cmd/context.hpp"

namespace cmd {

struct CaCeremonyVerifyOptions {
    std::string file;          // the transcript (JSON lines)
};

void run_ca_ceremony_verify(const CaCeremonyVerifyOptions& options, Context& ctx);

}  // namespace cmd
