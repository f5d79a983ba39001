// provctl: builds the command tree, runs it, and is the one place that turns
// failures into messages and exit codes.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cmd/commands.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
    util::SystemClock clock;
    cmd::Context ctx;
    ctx.out = &std::cout;
    ctx.err = &std::cerr;
    ctx.clock = &clock;
    cmd::detect_environment(ctx);
    auto app = cmd::build_app(ctx);
    try {
        app->parse(argc, argv);
        return 0;
    } catch (const CLI::Success& e) {
        // --help, --help-all and --version: CLI11 prints them, exit 0.
        return app->exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "provctl: error: " << e.what() << " (see provctl --help)\n";
        return cmd::parse_error_exit_code(*app);
    } catch (const util::Error& e) {
        // An empty message: the command has already said everything (scan's exit 1 and 2).
        if (*e.what() != '\0') std::cerr << "provctl: error: " << e.what() << '\n';
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "provctl: error: " << e.what() << '\n';
        return static_cast<int>(util::ExitCode::failed);
    }
}
