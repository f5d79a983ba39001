#pragma once
// Passphrases and PINs. They come from `env:NAME`, `file:PATH` or a prompt on
// the terminal, never from a plain argument (argv is visible in `ps`). The
// value is wiped from memory when the Secret goes away, and no message that
// mentions a secret ever includes its value: only where it came from.
#include <optional>
#include <string>

namespace util {

class Secret {
public:
    Secret() = default;
    Secret(std::string value, std::string origin) : value_(std::move(value)), origin_(std::move(origin)) {}
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    ~Secret();

    const std::string& value() const { return value_; }
    // Where it came from ("env:CA_PASS", "prompt"), safe to print.
    const std::string& origin() const { return origin_; }

private:
    void wipe() noexcept;
    std::string value_;
    std::string origin_;
};

// Resolves a secret reference. `what` names it in prompts and errors
// ("passphrase for root.key"). `spec` empty means prompt, which needs a
// terminal; without one the error tells the user to pass env: or file:.
// `confirm` asks twice when prompting (new passphrases).
Secret resolve_secret(const std::string& spec, const std::string& what, bool confirm = false);

// True when a prompt could reach a person (a controlling terminal exists).
bool have_terminal();

// Asks a yes/no question on the terminal; false without a terminal.
bool confirm_on_terminal(const std::string& question);

}  // namespace util
