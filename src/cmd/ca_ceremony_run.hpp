#pragma once
#include <string>

#include "cmd/context.hpp"

namespace cmd {

struct CaCeremonyRunOptions {
    std::string file;          // the ceremony YAML
    std::string transcript;    // overrides outputs.transcript
    bool yes = false;          // confirm every step (scripts)
    bool force = false;        // replace existing outputs and transcript
};

void run_ca_ceremony_run(const CaCeremonyRunOptions& options, Context& ctx);

}  // namespace cmd
