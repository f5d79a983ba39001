// provctl ca issue-intermediate: a scoped issuing CA signed by the root.
#include "cmd/ca_issue_intermediate.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "pki/ca.hpp"

namespace cmd {

void run_ca_issue_intermediate(const CaIssueIntermediateOptions& o, Context& ctx) {
    pki::IntermediateRequest req;
    req.subject = o.subject;
    req.key_ref = o.key;
    req.csr_path = o.csr;
    req.key_type = pki::parse_key_type(o.key_type);
    req.key_access = with_module(o.access, ctx);
    req.issuer_cert_path = o.issuer_cert;
    req.issuer_key_ref = o.issuer_key;
    req.issuer_access = with_module(o.issuer_access, ctx);
    if (o.path_len < 0) util::fail_input("--path-len must be 0 or more");
    req.path_len = o.path_len;
    req.ext_key_usage = o.eku;
    req.name_constraints = o.name_constraints;
    req.crl_urls = o.crl_urls;
    req.ocsp_urls = o.ocsp_urls;
    req.ca_issuers_urls = o.ca_issuers_urls;
    req.validity = o.validity.resolve(ctx, 1825);
    req.out = {o.out, o.chain_out, o.force};
    if (o.subject.empty() && o.csr.empty()) util::fail_input("--subject is required unless --csr gives it");
    pki::Issued issued = pki::issue_intermediate(req);
    for (const auto& w : issued.warnings) ctx.warn(w);
    nlohmann::json doc = {
        {"schema", "provctl.ca.issue-intermediate/v1"},
        {"certificate", cert_summary(issued.cert.get(), issued.cert_path)},
        {"chain", issued.chain_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(issued.chain_path)},
        {"key", issued.key_ref.empty() ? nlohmann::json(nullptr) : nlohmann::json(issued.key_ref)},
        {"warnings", issued.warnings},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        const auto& c = doc["certificate"];
        out << "intermediate certificate  " << issued.cert_path << '\n';
        if (!issued.chain_path.empty()) out << "chain                     " << issued.chain_path << '\n';
        if (!issued.key_ref.empty()) out << "key                       " << issued.key_ref << '\n';
        out << "subject                   " << c["subject"].get<std::string>() << '\n'
            << "issuer                    " << c["issuer"].get<std::string>() << '\n'
            << "serial                    " << c["serial"].get<std::string>() << '\n'
            << "valid                     " << c["not_before"].get<std::string>() << " to "
            << c["not_after"].get<std::string>() << '\n'
            << "sha256                    " << issued.sha256 << '\n';
    });
}

void register_ca_issue_intermediate(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<CaIssueIntermediateOptions>();
    auto* sub = ca.add_subcommand("issue-intermediate", "Create an issuing CA signed by a root (or another CA)");
    sub->add_option("--subject", o->subject, "Subject, RFC 4514 or /O=.../CN=... (default with --csr: the CSR's)");
    auto* key = sub->add_option("--key", o->key, "Where the new key is made: file:PATH or a pkcs11: URI");
    auto* csr = sub->add_option("--csr", o->csr, "Certify the key of this CSR instead of making one");
    key->excludes(csr);
    sub->add_option("--key-type", o->key_type, std::string("Key type for --key: ") + pki::kKeyTypeChoices)->capture_default_str();
    add_key_access_options(*sub, o->access, "", "new");
    sub->add_option("--issuer-cert", o->issuer_cert, "Issuer certificate (PEM; may be followed by its chain)")->required();
    sub->add_option("--issuer-key", o->issuer_key, "Issuer key: file:PATH or a pkcs11: URI")->required();
    add_key_access_options(*sub, o->issuer_access, "issuer-", "issuer");
    sub->add_option("--path-len", o->path_len, "basicConstraints path length")->capture_default_str();
    sub->add_option("--eku", o->eku, "Extended key usage to allow (clientAuth, serverAuth, ...); repeatable");
    sub->add_option("--permit-dns", o->name_constraints.permit_dns, "Name constraint: permitted DNS subtree; repeatable");
    sub->add_option("--exclude-dns", o->name_constraints.exclude_dns, "Name constraint: excluded DNS subtree; repeatable");
    sub->add_option("--permit-dn", o->name_constraints.permit_dn, "Name constraint: permitted directory name; repeatable");
    sub->add_option("--exclude-dn", o->name_constraints.exclude_dn, "Name constraint: excluded directory name; repeatable");
    sub->add_option("--crl-url", o->crl_urls, "CRL distribution point URL; repeatable");
    sub->add_option("--ocsp-url", o->ocsp_urls, "Authority information access: OCSP URL; repeatable");
    sub->add_option("--ca-issuers-url", o->ca_issuers_urls, "Authority information access: caIssuers URL; repeatable");
    add_validity_options(*sub, o->validity);
    sub->add_option("--out", o->out, "Where to write the certificate (PEM)")->required();
    sub->add_option("--chain-out", o->chain_out, "Also write the certificate followed by its issuer chain");
    sub->add_flag("--force", o->force, "Replace existing output files");
    sub->footer(help_footer(
        "  provctl ca issue-intermediate --subject 'CN=Acme Widgets 2026,O=Acme' \\\n"
        "      --key file:widgets.key --passphrase env:INT_PASS \\\n"
        "      --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:ROOT_PASS \\\n"
        "      --eku clientAuth --permit-dns devices.acme.example --days 1825 --out widgets.crt --chain-out widgets-chain.pem\n"));
    sub->callback([o, &ctx] { run_ca_issue_intermediate(*o, ctx); });
}

}  // namespace cmd
