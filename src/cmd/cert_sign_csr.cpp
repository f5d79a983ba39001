// provctl cert sign-csr: a leaf certificate from a PKCS#10 request.
#include "cmd/cert_sign_csr.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "device/id_template.hpp"
#include "pki/ca.hpp"

namespace cmd {

namespace {

// Before any file is read or written: a mistyped ID must cost nothing.
void check_against_template(const CertSignCsrOptions& o) {
    if (o.id_template.empty()) return;
    auto tmpl = device::IdTemplate::parse(o.id_template);
    if (o.device_id.empty()) util::fail_input("--id-template needs a --device-id to check");
    auto reading = tmpl.read(o.device_id);
    if (!reading.valid())
        util::fail_input("--device-id '" + o.device_id + "' does not match --id-template '" + o.id_template +
                         "': " + reading.error);
}

}  // namespace

void run_cert_sign_csr(const CertSignCsrOptions& o, Context& ctx) {
    check_against_template(o);
    pki::LeafRequest req;
    req.csr_path = o.csr;
    req.profile = pki::parse_profile(o.profile);
    req.device_id = o.device_id;
    req.dns_names = o.dns;
    req.subject = o.subject;
    req.issuer_cert_path = o.issuer_cert;
    req.issuer_key_ref = o.issuer_key;
    req.issuer_access = with_module(o.issuer_access, ctx);
    req.chain_path = o.chain;
    req.validity = o.validity.resolve(ctx, 365);
    req.clip_validity = o.clip_validity;
    req.out = {o.out, o.chain_out, o.force};
    pki::Issued issued = pki::sign_csr(req);
    for (const auto& w : issued.warnings) ctx.warn(w);
    nlohmann::json doc = {
        {"schema", "provctl.cert.sign-csr/v1"},
        {"profile", o.profile},
        {"device_id", o.device_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.device_id)},
        {"certificate", cert_summary(issued.cert.get(), issued.cert_path)},
        {"chain", issued.chain_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(issued.chain_path)},
        {"warnings", issued.warnings},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        const auto& c = doc["certificate"];
        out << "certificate  " << issued.cert_path << '\n';
        if (!issued.chain_path.empty()) out << "chain        " << issued.chain_path << '\n';
        out << "subject      " << c["subject"].get<std::string>() << '\n'
            << "serial       " << c["serial"].get<std::string>() << '\n'
            << "valid        " << c["not_before"].get<std::string>() << " to " << c["not_after"].get<std::string>() << '\n'
            << "sha256       " << issued.sha256 << '\n';
    });
}

void register_cert_sign_csr(CLI::App& cert, Context& ctx) {
    auto o = std::make_shared<CertSignCsrOptions>();
    auto* sub = cert.add_subcommand("sign-csr", "Issue a leaf certificate from a PKCS#10 request");
    sub->add_option("--csr", o->csr, "The request (PEM or DER); its signature is checked first")->required();
    sub->add_option("--profile", o->profile, "device (clientAuth, device ID in CN and SAN) or server (serverAuth, DNS SANs)")
        ->capture_default_str();
    sub->add_option("--device-id", o->device_id, "Device ID for the device profile (CN and SAN URI urn:dev:serial:ID)");
    sub->add_option("--id-template", o->id_template,
                    "Refuse a --device-id that does not match this template and its check character, "
                    "e.g. SN-{seq:08}{check}")
        ->type_name("TEMPLATE");
    sub->add_option("--dns", o->dns, "DNS name for the SAN; repeatable (server profile: at least one)");
    sub->add_option("--subject", o->subject, "Subject to use instead of the request's");
    sub->add_option("--issuer-cert", o->issuer_cert, "Issuing CA certificate (PEM; may be followed by its chain)")->required();
    sub->add_option("--issuer-key", o->issuer_key, "Issuing CA key: file:PATH or a pkcs11: URI")->required();
    add_key_access_options(*sub, o->issuer_access, "issuer-", "issuer");
    sub->add_option("--chain", o->chain, "Certificates above the issuer, for --chain-out");
    add_validity_options(*sub, o->validity);
    sub->add_flag("--clip-validity", o->clip_validity, "Shorten validity to end with the issuer's instead of refusing");
    sub->add_option("--out", o->out, "Where to write the certificate (PEM)")->required();
    sub->add_option("--chain-out", o->chain_out, "Also write the certificate followed by its issuer chain");
    sub->add_flag("--force", o->force, "Replace existing output files");
    sub->footer(help_footer(
        "  provctl cert sign-csr --csr dev.csr --profile device --device-id SN-0001 \\\n"
        "      --issuer-cert widgets.crt --issuer-key file:widgets.key --issuer-passphrase env:INT_PASS \\\n"
        "      --chain root.crt --days 365 --out dev.crt --chain-out dev-chain.pem\n"
        "  provctl cert sign-csr --csr dev.csr --device-id SN-00000042G --id-template 'SN-{seq:08}{check}' \\\n"
        "      --issuer-cert widgets.crt --issuer-key file:widgets.key --out dev.crt\n"
        "  provctl cert sign-csr --csr web.csr --profile server --dns api.acme.example --issuer-cert ... --out web.crt\n"));
    sub->callback([o, &ctx] { run_cert_sign_csr(*o, ctx); });
}

}  // namespace cmd
