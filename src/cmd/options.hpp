#pragma once
// Option groups several commands share, wired the same way everywhere.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "pki/ca.hpp"

namespace cmd {

// --days / --not-before / --not-after as typed text, resolved after parsing.
struct ValidityOptions {
    std::optional<int> days;
    std::string not_before;
    std::string not_after;
    pki::Window resolve(const Context& ctx, std::optional<int> default_days) const;
};
void add_validity_options(CLI::App& sub, ValidityOptions& v);

// --<prefix>passphrase and --<prefix>pin; prefix "" or "issuer-". An issuer
// key also gets --allow-extractable.
void add_key_access_options(CLI::App& sub, pki::KeyAccess& access, const std::string& prefix, const std::string& whose);
// Fills the module fallback from the global option / environment, and the
// run's shared PKCS#11 modules.
pki::KeyAccess with_module(pki::KeyAccess access, const Context& ctx);

// {subject, issuer, serial, not_before, not_after, sha256, path} of a certificate we wrote.
nlohmann::json cert_summary(const X509* cert, const std::string& path);

}  // namespace cmd
