// Placeholder: this command is being written and lands in this same session.
#include "cmd/commands.hpp"

namespace cmd {

void register_cert_verify(CLI::App& cert, Context&) {
    auto* sub = cert.add_subcommand("verify", "(not yet available)");
    sub->callback([] { util::fail_op("cert verify is not available in this build"); });
}

}  // namespace cmd
