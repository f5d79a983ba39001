#include "cmd/context.hpp"

#include <cstdlib>
#include <cstring>
#include <ostream>
#include <unistd.h>

namespace cmd {

void Context::info(const std::string& message) const {
    if (!quiet) *err << message << '\n';
}

void Context::debug(const std::string& message) const {
    if (verbose && !quiet) *err << "provctl: " << message << '\n';
}

void Context::warn(const std::string& message) const { *err << "provctl: warning: " << message << '\n'; }

void Context::emit(const nlohmann::json& document, const std::function<void(std::ostream&)>& human) const {
    if (json) {
        *out << document.dump(2) << '\n';
    } else if (human) {
        human(*out);
    }
    out->flush();
}

std::string Context::paint(const std::string& text, const char* code) const {
    if (!color) return text;
    return std::string("\033[") + code + "m" + text + "\033[0m";
}

void detect_environment(Context& ctx) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    ctx.terminal = ::isatty(STDOUT_FILENO) == 1;
    ctx.color = ctx.terminal && (no_color == nullptr || *no_color == '\0') &&
                !(term != nullptr && std::strcmp(term, "dumb") == 0);
    if (const char* m = std::getenv("PROVCTL_PKCS11_MODULE"); m != nullptr && ctx.pkcs11_module.empty())
        ctx.pkcs11_module = m;
}

}  // namespace cmd
