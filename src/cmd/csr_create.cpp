// provctl csr create: a PKCS#10 request for an existing or new key.
#include "cmd/csr_create.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "util/atomic_file.hpp"

namespace cmd {

void run_csr_create(const CsrCreateOptions& o, Context& ctx) {
    if (o.key.empty() == o.new_key.empty()) util::fail_input("give either --key (an existing key) or --new-key PATH");
    util::ensure_writable_target(o.out, o.force);
    auto subject = pki::parse_name(o.subject, "--subject");
    std::unique_ptr<pki::SigningKey> existing;
    util::EvpPkey made;
    EVP_PKEY* key = nullptr;
    if (!o.key.empty()) {
        existing = pki::open_signing_key(o.key, with_module(o.access, ctx));
        key = existing->pkey();
    } else {
        util::ensure_writable_target(o.new_key, o.force);
        made = pki::generate_key(pki::parse_key_type(o.key_type));
        key = made.get();
    }
    util::X509ReqPtr req(X509_REQ_new());
    util::check_ok(X509_REQ_set_version(req.get(), 0), "cannot set request version");
    util::check_ok(X509_REQ_set_subject_name(req.get(), subject.get()), "cannot set subject");
    util::check_ok(X509_REQ_set_pubkey(req.get(), key), "cannot set public key");
    util::check_ok(X509_REQ_sign(req.get(), key, pki::digest_for(key)), "cannot sign request");
    if (made) {
        std::string pem = pki::plaintext_private_key_pem(made.get());
        util::write_file_atomic(o.new_key, pem, 0600, o.force);
        OPENSSL_cleanse(pem.data(), pem.size());
    }
    util::write_file_atomic(o.out, pki::csr_pem(req.get()), 0644, o.force);
    nlohmann::json doc = {
        {"schema", "provctl.csr.create/v1"},
        {"path", o.out},
        {"subject", pki::format_name(subject.get())},
        {"key", made ? "file:" + o.new_key : existing->describe()},
        {"key_type", pki::describe_key(key)},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        out << "request  " << o.out << '\n' << "subject  " << doc["subject"].get<std::string>() << '\n'
            << "key      " << doc["key"].get<std::string>() << " (" << doc["key_type"].get<std::string>() << ")\n";
    });
}

void register_csr_create(CLI::App& csr, Context& ctx) {
    auto o = std::make_shared<CsrCreateOptions>();
    auto* sub = csr.add_subcommand("create", "Make a PKCS#10 certificate signing request");
    sub->add_option("--subject", o->subject, "Subject, RFC 4514 or /O=.../CN=...")->required();
    auto* key = sub->add_option("--key", o->key, "Existing key: file:PATH or a pkcs11: URI");
    auto* nk = sub->add_option("--new-key", o->new_key, "Make a new unencrypted key here (mode 0600), for lab use");
    key->excludes(nk);
    sub->add_option("--key-type", o->key_type, std::string("Key type for --new-key: ") + pki::kKeyTypeChoices)->capture_default_str();
    add_key_access_options(*sub, o->access, "", "existing");
    sub->add_option("--out", o->out, "Where to write the request (PEM)")->required();
    sub->add_flag("--force", o->force, "Replace existing output files");
    sub->footer(help_footer("  provctl csr create --subject CN=SN-0001 --new-key dev.key --out dev.csr\n"));
    sub->callback([o, &ctx] { run_csr_create(*o, ctx); });
}

}  // namespace cmd
