#include "cmd/options.hpp"

#include "pki/name.hpp"
#include "util/hex.hpp"
#include "util/time.hpp"

namespace cmd {

pki::Window ValidityOptions::resolve(const Context& ctx, std::optional<int> default_days) const {
    pki::ValidityRequest req;
    req.days = days;
    if (!not_before.empty()) req.not_before = util::parse_time_arg(not_before, "--not-before");
    if (!not_after.empty()) req.not_after = util::parse_time_arg(not_after, "--not-after");
    return pki::resolve_validity(req, *ctx.clock, default_days);
}

void add_validity_options(CLI::App& sub, ValidityOptions& v) {
    sub.add_option("--days", v.days, "Validity in days from now");
    sub.add_option("--not-before", v.not_before, "Start of validity (RFC 3339 or YYYY-MM-DD, UTC)");
    sub.add_option("--not-after", v.not_after, "End of validity (RFC 3339 or YYYY-MM-DD, UTC)");
}

void add_key_access_options(CLI::App& sub, pki::KeyAccess& access, const std::string& prefix, const std::string& whose) {
    sub.add_option("--" + prefix + "passphrase", access.passphrase,
                   "Passphrase source for the " + whose + " key file: env:NAME or file:PATH (default: prompt)");
    sub.add_option("--" + prefix + "pin", access.pin,
                   "PIN source for the " + whose + " token: env:NAME or file:PATH (default: pin-source= or prompt)");
    if (prefix == "issuer-")
        sub.add_flag("--allow-extractable", access.allow_extractable,
                     "Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true "
                     "or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA");
}

pki::KeyAccess with_module(pki::KeyAccess access, const Context& ctx) {
    if (access.pkcs11_module.empty()) access.pkcs11_module = ctx.pkcs11_module;
    if (!access.pkcs11_modules) access.pkcs11_modules = ctx.pkcs11_modules;
    return access;
}

nlohmann::json cert_summary(const X509* cert, const std::string& path) {
    return {
        {"path", path},
        {"subject", pki::format_name(X509_get_subject_name(cert))},
        {"issuer", pki::format_name(X509_get_issuer_name(cert))},
        {"serial", util::serial_hex(X509_get0_serialNumber(cert))},
        {"not_before", util::format_asn1_time(X509_get0_notBefore(cert))},
        {"not_after", util::format_asn1_time(X509_get0_notAfter(cert))},
        {"sha256", util::cert_sha256_hex(cert)},
    };
}

}  // namespace cmd
