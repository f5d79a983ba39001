// provctl ca crl: a signed v2 CRL of every certificate the registry holds as
// revoked for one issuer, with a CRL number that only goes up.
#include "cmd/ca_crl.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "pki/cert_io.hpp"
#include "pki/crl.hpp"
#include "pki/name.hpp"
#include "util/atomic_file.hpp"
#include "util/duration.hpp"

namespace cmd {

void run_ca_crl(const CaCrlOptions& o, Context& ctx) {
    // Arguments and files first: a mistake must not use up a CRL number.
    int64_t period = util::parse_duration_arg(o.next_update, "--next-update");
    util::ensure_writable_target(o.out, o.force);
    util::X509Ptr issuer = pki::read_certificate(o.issuer_cert);
    auto key = pki::open_signing_key(o.issuer_key, with_module(o.issuer_access, ctx));
    pki::check_crl_signer(issuer.get(), key->pkey());
    for (const auto& w : key->warnings()) ctx.warn(w);
    const X509_NAME* subject = X509_get_subject_name(issuer.get());
    std::string issuer_dn = pki::format_name(subject);

    // One transaction: the list and the number belong together, so a CRL with
    // a higher number never misses a revocation an earlier one listed.
    auto reg = o.registry.open(ctx);
    std::vector<pki::RevokedEntry> revoked;
    int64_t number = 0;
    {
        registry::Transaction tx(*reg);
        // The issuer column is DN text; other spellings of this subject count too.
        for (const auto& text : reg->revoking_issuers()) {
            if (!pki::name_matches(subject, text)) continue;
            for (const auto& c : reg->revoked_by(text))
                revoked.push_back({c.serial, c.revoked_at.value_or(c.created_at),
                                   c.revocation_reason == "unspecified" ? "" : c.revocation_reason});
        }
        number = reg->next_crl_number(issuer_dn, o.registry.actor());
        tx.commit();
    }
    // A number whose CRL then fails to be written is skipped, never reused.
    pki::CrlRequest req;
    req.issuer = issuer.get();
    req.key = key->pkey();
    req.revoked = revoked;
    req.number = number;
    req.this_update = ctx.clock->now();
    req.next_update = req.this_update + period;
    auto crl = pki::build_crl(req);
    util::write_file_atomic(o.out, pki::crl_pem(crl.get()), 0644, o.force);

    nlohmann::json doc = {
        {"schema", "provctl.ca.crl/v1"},
        {"path", o.out},
        {"issuer", issuer_dn},
        {"crl_number", number},
        {"this_update", util::format_rfc3339(req.this_update)},
        {"next_update", util::format_rfc3339(req.next_update)},
        {"revoked", revoked.size()},
        {"registry", reg->display_url()},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        out << "crl          " << o.out << '\n'
            << "issuer       " << issuer_dn << '\n'
            << "number       " << number << '\n'
            << "revoked      " << revoked.size() << '\n'
            << "this update  " << util::format_rfc3339(req.this_update) << '\n'
            << "next update  " << util::format_rfc3339(req.next_update) << '\n';
    });
}

void register_ca_crl(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<CaCrlOptions>();
    auto* sub = ca.add_subcommand("crl", "Write a signed CRL of the issuer's revoked certificates in the registry");
    sub->add_option("--issuer-cert", o->issuer_cert, "The CA certificate the CRL is for (PEM)")->required();
    sub->add_option("--issuer-key", o->issuer_key, "Its key: file:PATH or a pkcs11: URI")->required();
    add_key_access_options(*sub, o->issuer_access, "issuer-", "issuer");
    sub->add_option("--out", o->out, "Where to write the CRL (PEM)")->required();
    sub->add_option("--next-update", o->next_update, "When the next CRL is due, from now: e.g. 12h, 7d, 2w")
        ->capture_default_str();
    add_registry_options(*sub, o->registry);
    sub->add_flag("--force", o->force, "Replace an existing output file");
    sub->footer(help_footer("  provctl ca crl --issuer-cert widgets.crt --issuer-key file:widgets.key \\\n"
                            "      --issuer-passphrase env:INT_PASS --next-update 7d --out widgets.crl\n"));
    sub->callback([o, &ctx] { run_ca_crl(*o, ctx); });
}

}  // namespace cmd
