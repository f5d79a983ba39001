// Placeholder: this command is being written and lands in this same session.
#include "cmd/commands.hpp"

namespace cmd {

void register_ca_ceremony_run(CLI::App& ceremony, Context&) {
    auto* sub = ceremony.add_subcommand("run", "(not yet available)");
    sub->callback([] { util::fail_op("ceremony run is not available in this build"); });
}

}  // namespace cmd
