// provctl ca init-root: a new root key and its self-signed certificate.
#include <ostream>

#include "cmd/commands.hpp"
#include "cmd/options.hpp"
#include "cmd/ca_init_root.hpp"
#include "pki/ca.hpp"

namespace cmd {

void run_ca_init_root(const CaInitRootOptions& o, Context& ctx) {
    pki::RootRequest req;
    req.subject = o.subject;
    req.key_ref = o.key;
    req.key_type = pki::parse_key_type(o.key_type);
    req.key_access = with_module(o.access, ctx);
    req.path_len = o.path_len;
    req.validity = o.validity.resolve(ctx, 3650);
    req.out = {o.out, "", o.force};
    ctx.debug("making a " + o.key_type + " key at " + o.key);
    pki::Issued issued = pki::init_root(req);
    for (const auto& w : issued.warnings) ctx.warn(w);
    nlohmann::json doc = {
        {"schema", "provctl.ca.init-root/v1"},
        {"certificate", cert_summary(issued.cert.get(), issued.cert_path)},
        {"key", issued.key_ref},
        {"warnings", issued.warnings},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        out << "root certificate  " << issued.cert_path << '\n'
            << "key               " << issued.key_ref << '\n'
            << "subject           " << doc["certificate"]["subject"].get<std::string>() << '\n'
            << "serial            " << doc["certificate"]["serial"].get<std::string>() << '\n'
            << "valid             " << doc["certificate"]["not_before"].get<std::string>() << " to "
            << doc["certificate"]["not_after"].get<std::string>() << '\n'
            << "sha256            " << issued.sha256 << '\n';
    });
}

void register_ca_init_root(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<CaInitRootOptions>();
    auto* sub = ca.add_subcommand("init-root", "Create a root CA: a new key and its self-signed certificate");
    sub->add_option("--subject", o->subject, "Subject, RFC 4514 (CN=Root CA,O=Acme) or /O=Acme/CN=Root CA")->required();
    sub->add_option("--key", o->key, "Where the new key is made: file:PATH (encrypted PKCS#8) or a pkcs11: URI")->required();
    sub->add_option("--key-type", o->key_type, std::string("Key type: ") + pki::kKeyTypeChoices)->capture_default_str();
    sub->add_option("--path-len", o->path_len, "basicConstraints path length (default: none)");
    add_validity_options(*sub, o->validity);
    sub->add_option("--out", o->out, "Where to write the certificate (PEM)")->required();
    sub->add_flag("--force", o->force, "Replace existing output files");
    add_key_access_options(*sub, o->access, "", "new");
    sub->footer(help_footer(
        "  PROVCTL_PASS=... provctl ca init-root --subject 'CN=Acme Root CA,O=Acme' \\\n"
        "      --key file:root.key --passphrase env:PROVCTL_PASS --days 7300 --out root.crt\n"
        "  provctl ca init-root --subject 'CN=Acme Root CA' --key 'pkcs11:token=ca;object=root?pin-source=env:PIN' \\\n"
        "      --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --out root.crt\n"));
    sub->callback([o, &ctx] { run_ca_init_root(*o, ctx); });
}

}  // namespace cmd
