// provctl cert verify: certification path validation of a leaf certificate.
#include "cmd/cert_verify.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "device/device_id.hpp"
#include "util/time.hpp"

namespace cmd {

namespace {

nlohmann::json entry_json(const pki::ChainEntry& e) {
    auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    return {
        {"subject", e.subject},
        {"issuer", e.issuer},
        {"serial", e.serial},
        {"not_before", text_or_null(e.not_before)},
        {"not_after", text_or_null(e.not_after)},
        {"sha256", e.sha256},
    };
}

// OpenSSL names no certificate when the path as a whole fails (policy
// processing); a depth would then point at the leaf for no reason.
std::string where(const pki::VerifyResult& r) {
    if (!r.error_subject) return " (the path as a whole)";
    return " at depth " + std::to_string(r.error_depth) + " (" + *r.error_subject + ")";
}

void print_human(const pki::VerifyResult& r, const Context& ctx, std::ostream& out) {
    if (r.valid) {
        out << ctx.paint("OK", "32") << ": " << r.chain.front().subject << " (chain of " << r.chain.size() << ")\n";
    } else {
        out << ctx.paint("FAILED", "31") << ": " << r.reason << where(r) << '\n';
    }
    for (size_t i = 0; i < r.chain.size(); ++i) {
        const auto& e = r.chain[i];
        out << "  " << i << "  " << e.subject << '\n'
            << "     issuer  " << e.issuer << '\n'
            << "     serial  " << e.serial << '\n'
            << "     valid   " << e.not_before << " to " << e.not_after << '\n'
            << "     sha256  " << e.sha256 << '\n';
    }
}

pki::VerifyParams params_from(const CertVerifyOptions& o, const Context& ctx) {
    pki::VerifyParams p;
    p.at = o.at.empty() ? ctx.clock->now() : util::parse_time_arg(o.at, "--at");
    p.purpose = pki::parse_purpose(o.purpose);
    p.dns_name = o.name;
    // A device ID that could never have been issued is a typo, not a "no".
    if (auto problem = o.device_id.empty() ? std::nullopt : device::id_problem(o.device_id))
        util::fail_input("--device-id '" + o.device_id + "': " + *problem);
    p.device_id = o.device_id;
    p.policy.initial_policies = o.policies;
    p.policy.explicit_policy = o.explicit_policy;
    p.policy.inhibit_policy_mapping = o.inhibit_policy_mapping;
    p.policy.inhibit_any_policy = o.inhibit_any_policy;
    return p;
}

}  // namespace

nlohmann::json verify_document(const pki::VerifyResult& r) {
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& e : r.chain) chain.push_back(entry_json(e));
    nlohmann::json error = nullptr;
    if (!r.valid) {
        error = {
            {"code", r.error_code},
            {"depth", r.error_depth},
            {"subject", r.error_subject ? nlohmann::json(*r.error_subject) : nlohmann::json(nullptr)},
        };
    }
    return {
        {"schema", "provctl.cert.verify/v1"},
        {"valid", r.valid},
        {"reason", r.valid ? nlohmann::json(nullptr) : nlohmann::json(r.reason)},
        {"error", error},
        {"chain", chain},
        {"checked_at", util::format_rfc3339(r.checked_at)},
    };
}

pki::VerifyResult run_cert_verify(const CertVerifyOptions& o, Context& ctx) {
    // Arguments first, files second: a typo in --at should not wait for I/O.
    pki::VerifyParams params = params_from(o, ctx);
    auto material = pki::load_material(o.cert, o.untrusted, o.trust, o.crls);
    pki::VerifyResult result = pki::verify_path(material, params);
    std::function<void(std::ostream&)> human;
    if (!ctx.quiet) human = [&](std::ostream& out) { print_human(result, ctx, out); };
    ctx.emit(verify_document(result), human);
    return result;
}

void register_cert_verify(CLI::App& cert, Context& ctx) {
    auto o = std::make_shared<CertVerifyOptions>();
    auto* sub = cert.add_subcommand("verify", "Validate a certificate's path to a trust anchor (RFC 5280)");
    sub->add_option("--cert", o->cert,
                    "The certificate to check (PEM or DER); certificates after the first in the file are "
                    "used like --untrusted")
        ->required();
    sub->add_option("--untrusted", o->untrusted,
                    "Intermediate CA certificates (PEM bundle or DER) to build the path from; repeatable");
    sub->add_option("--trust", o->trust, "Trust anchors: self-signed roots (PEM bundle or DER); repeatable")->required();
    sub->add_option("--crl", o->crls,
                    "CRLs (PEM or DER), delta CRLs included; with any --crl, every certificate of the path "
                    "needs a current CRL; repeatable");
    sub->add_option("--at", o->at, "Validate at this time instead of now (RFC 3339 or YYYY-MM-DD, UTC)");
    sub->add_option("--purpose", o->purpose,
                    "client (TLS client auth), server (TLS server auth) or any (no extended key usage check)")
        ->check(CLI::IsMember({"client", "server", "any"}))
        ->capture_default_str();
    sub->add_option("--name", o->name, "DNS name the certificate must hold as a SAN (the subject CN is not used)");
    sub->add_option("--device-id", o->device_id,
                    "Device ID the certificate must carry: SAN URI urn:dev:serial:ID or subject CN ID");
    // The four RFC 5280 6.1.1 policy inputs. PKITS runs many paths under
    // other values than the defaults, and a relying party with a
    // certificate policy of its own needs them.
    sub->add_option("--policy", o->policies,
                    "Acceptable certificate policy OID (RFC 5280 user-initial-policy-set); repeatable; "
                    "default: anyPolicy (2.5.29.32.0)");
    sub->add_flag("--explicit-policy", o->explicit_policy,
                  "Require the path to be valid for an acceptable policy (initial-explicit-policy; default off)");
    sub->add_flag("--inhibit-policy-mapping", o->inhibit_policy_mapping,
                  "Ignore policy mappings of CAs (initial-policy-mapping-inhibit; default off)");
    sub->add_flag("--inhibit-any-policy", o->inhibit_any_policy,
                  "Do not let anyPolicy in CA certificates match other policies (initial-any-policy-inhibit; default off)");
    sub->footer(help_footer(
        "  provctl cert verify --cert dev.crt --untrusted widgets.crt --trust root.crt --purpose client\n"
        "  provctl cert verify --cert dev-chain.pem --trust root.crt --device-id SN-0001\n"
        "  provctl cert verify --cert web.crt --untrusted int.pem --trust roots.pem --purpose server \\\n"
        "      --name api.acme.example --crl int.crl --crl root.crl --at 2026-11-22\n"
        "  provctl --json cert verify --cert ee.crt --trust ta.crt --policy 2.16.840.1.101.3.2.1.48.1 --explicit-policy\n",
        "  0  the certificate is valid\n"
        "  1  the check could not run\n"
        "  2  usage error or bad input (unreadable or corrupt file, bad --purpose or --at, no --trust)\n"
        "  3  the certificate is not valid (the reason is printed, and the JSON document under --json)\n"));
    sub->callback([o, &ctx] {
        pki::VerifyResult r = run_cert_verify(*o, ctx);
        if (!r.valid) throw util::Error(util::ExitCode::verify_failed, "not valid: " + r.reason + where(r));
    });
}

}  // namespace cmd
