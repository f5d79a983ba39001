#pragma once
// What every command receives besides its own options: global flags, the
// output streams and the clock. No global state: tests build their own.
#include <functional>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "pki/pkcs11.hpp"
#include "util/time.hpp"

namespace cmd {

struct Context {
    bool json = false;     // one JSON document on stdout
    bool quiet = false;    // only errors on stderr
    bool verbose = false;  // extra diagnostics on stderr
    bool color = false;    // ANSI colour in human output (stdout is a terminal, NO_COLOR unset)
    bool terminal = false;  // stdout is a terminal: room for what only people read (histograms)
    bool assume_yes = false;  // --yes: no interactive confirmations
    std::string pkcs11_module;  // --pkcs11-module or PROVCTL_PKCS11_MODULE
    // One per run: every token key of a command shares loaded modules and logins.
    std::shared_ptr<pki::Pkcs11Modules> pkcs11_modules = pki::make_pkcs11_modules();
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    const util::Clock* clock = nullptr;

    // Progress and notes for humans (stderr), silenced by --quiet.
    void info(const std::string& message) const;
    void debug(const std::string& message) const;
    // Always shown: something the user must know even in scripts.
    void warn(const std::string& message) const;

    // Prints the result: JSON (with its schema field) under --json,
    // otherwise whatever `human` writes.
    void emit(const nlohmann::json& document, const std::function<void(std::ostream&)>& human) const;

    // Wraps text in an ANSI colour when colour is on. code: "31" red, "32" green, "33" yellow, "1" bold.
    std::string paint(const std::string& text, const char* code) const;
};

// Fills colour and module defaults from the environment and the terminal.
void detect_environment(Context& ctx);

}  // namespace cmd
