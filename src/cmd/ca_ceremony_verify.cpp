// Placeholder: this command is being written and lands in this same session.
#include "cmd/commands.hpp"

namespace cmd {

void register_ca_ceremony_verify(CLI::App& ceremony, Context&) {
    auto* sub = ceremony.add_subcommand("verify", "(not yet available)");
    sub->callback([] { util::fail_op("ceremony verify is not available in this build"); });
}

}  // namespace cmd
