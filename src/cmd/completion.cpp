// Placeholder: this command is being written and lands in this same session.
#include "cmd/commands.hpp"

namespace cmd {

void register_completion(CLI::App& app, Context&) {
    auto* sub = app.add_subcommand("completion", "(not yet available)");
    sub->callback([] { util::fail_op("completion is not available in this build"); });
}

}  // namespace cmd
