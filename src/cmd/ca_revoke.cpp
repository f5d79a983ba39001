// provctl ca revoke: mark a certificate revoked in the registry, for the next CRL.
#include "cmd/ca_revoke.hpp"

#include <ostream>

#include "cmd/commands.hpp"
#include "device/device_id.hpp"
#include "pki/cert_io.hpp"
#include "pki/crl.hpp"
#include "pki/name.hpp"

namespace cmd {

namespace {

// The one certificate --serial names, narrowed by --issuer-cert when given.
registry::Certificate by_serial(registry::Registry& reg, const std::string& serial, const X509* issuer) {
    auto all = reg.certificates_with_serial(serial);
    std::vector<registry::Certificate> found;
    for (auto& c : all)
        if (issuer == nullptr || pki::name_matches(X509_get_subject_name(issuer), c.issuer)) found.push_back(c);
    if (found.empty()) {
        std::string of = issuer != nullptr ? " of issuer " + pki::format_name(X509_get_subject_name(issuer)) : "";
        util::fail_input("no certificate with serial " + serial + of + " in registry " + reg.display_url());
    }
    if (found.size() > 1) {
        std::string issuers;
        for (const auto& c : found) issuers += (issuers.empty() ? "" : "; ") + c.issuer;
        util::fail_input("serial " + serial + " belongs to " + std::to_string(found.size()) +
                         " issuers (" + issuers + "); name one with --issuer-cert");
    }
    return found.front();
}

registry::Certificate active_of(registry::Registry& reg, const std::string& device_id) {
    if (!reg.find_device(device_id)) util::fail_input("no device " + device_id + " in registry " + reg.display_url());
    auto certs = reg.certificates_of(device_id);
    for (const auto& c : certs)
        if (c.status == registry::CertStatus::active) return c;
    if (!certs.empty() && certs.back().status == registry::CertStatus::revoked)
        util::fail_input("device " + device_id + " has no active certificate: its last one, " + certs.back().serial +
                         ", is already revoked");
    util::fail_input("device " + device_id + " has no active certificate to revoke" +
                     (certs.empty() ? std::string() : "; name an older one with --serial"));
}

}  // namespace

void run_ca_revoke(const CaRevokeOptions& o, Context& ctx) {
    // Arguments first: a typo must not touch the registry.
    if (o.device_id.empty() == o.serial.empty()) util::fail_input("name the certificate with --device ID or --serial HEX");
    if (!o.issuer_cert.empty() && o.serial.empty()) util::fail_input("--issuer-cert goes with --serial");
    pki::check_revocation_reason(o.reason);
    if (auto problem = o.device_id.empty() ? std::nullopt : device::id_problem(o.device_id))
        util::fail_input("--device '" + o.device_id + "': " + *problem);
    std::string serial;
    if (!o.serial.empty()) {
        auto s = pki::normalise_serial(o.serial);
        if (!s) util::fail_input("--serial: '" + o.serial + "' is not a hexadecimal serial number");
        serial = *s;
    }
    util::X509Ptr issuer;
    if (!o.issuer_cert.empty()) issuer = pki::read_certificate(o.issuer_cert);

    auto reg = o.registry.open(ctx);
    registry::Certificate target;
    {
        registry::Transaction tx(*reg);
        target = o.device_id.empty() ? by_serial(*reg, serial, issuer.get()) : active_of(*reg, o.device_id);
        reg->revoke(target.issuer, target.serial, o.reason, o.registry.actor());
        tx.commit();
    }
    for (const auto& c : reg->certificates_of(target.device_id))
        if (c.issuer == target.issuer && c.serial == target.serial) target = c;

    nlohmann::json doc = {
        {"schema", "provctl.ca.revoke/v1"},
        {"registry", reg->display_url()},
        {"certificate", certificate_json(target, false)},
    };
    ctx.emit(doc, [&](std::ostream& out) {
        out << "revoked      " << target.serial << " (" << o.reason << ")\n"
            << "device       " << target.device_id << '\n'
            << "issuer       " << target.issuer << '\n'
            << "sha256       " << target.fingerprint << '\n'
            << "revoked at   " << (target.revoked_at ? util::format_rfc3339(*target.revoked_at) : "") << '\n';
    });
}

void register_ca_revoke(CLI::App& ca, Context& ctx) {
    auto o = std::make_shared<CaRevokeOptions>();
    auto* sub = ca.add_subcommand("revoke", "Mark a certificate revoked in the registry (for the next CRL)");
    auto* by_device =
        sub->add_option("--device", o->device_id, "Revoke this device's active certificate")->type_name("ID");
    auto* by_serial_hex =
        sub->add_option("--serial", o->serial, "Revoke the certificate with this serial (hex; colons allowed)")
            ->type_name("HEX");
    by_device->excludes(by_serial_hex);
    sub->add_option("--issuer-cert", o->issuer_cert,
                    "With --serial: the issuing CA certificate, needed when the serial is in the registry for "
                    "more than one issuer");
    sub->add_option("--reason", o->reason, "RFC 5280 reason: " + pki::revocation_reason_list())->required();
    add_registry_options(*sub, o->registry);
    sub->footer(help_footer("  provctl ca revoke --device SN-0001 --reason keyCompromise\n"
                            "  provctl ca revoke --serial 1f:2e --issuer-cert widgets.crt --reason superseded\n"));
    sub->callback([o, &ctx] { run_ca_revoke(*o, ctx); });
}

}  // namespace cmd
