// provctl batch unseal: opens device keys sealed by batch generate, with the
// station's certificate and key, into PKCS#8 files (mode 0600).
#include "cmd/batch_unseal.hpp"

#include <openssl/crypto.h>

#include <ostream>

#include "cmd/commands.hpp"
#include "pki/cert_io.hpp"
#include "pki/seal.hpp"
#include "pki/signing_key.hpp"
#include "util/atomic_file.hpp"

namespace cmd {

namespace {

std::string unsealed_name(const std::string& path) {
    std::string base = path.substr(path.rfind('/') + 1);
    const std::string sealed = ".p7m";
    if (base.size() > sealed.size() && base.compare(base.size() - sealed.size(), sealed.size(), sealed) == 0)
        base.erase(base.size() - sealed.size());
    return base + ".pem";
}

}  // namespace

void run_batch_unseal(const BatchUnsealOptions& o, Context& ctx) {
    if (o.out.empty() == o.out_dir.empty()) util::fail_input("give either --out FILE (one sealed key) or --out-dir DIR");
    if (!o.out.empty() && o.files.size() != 1) util::fail_input("--out takes one sealed key; use --out-dir for several");
    std::vector<std::string> targets;
    for (const auto& f : o.files) {
        targets.push_back(o.out.empty() ? o.out_dir + "/" + unsealed_name(f) : o.out);
        util::ensure_writable_target(targets.back(), o.force);
    }
    auto cert = pki::read_certificate(o.recipient_cert);
    auto key = pki::open_signing_key(o.recipient_key, with_module(o.access, ctx));
    if (!pki::same_public_key(X509_get0_pubkey(cert.get()), key->pkey()))
        util::fail_input(o.recipient_key.substr(0, o.recipient_key.find('?')) +
                         " is not the key of --recipient-cert " + o.recipient_cert);
    nlohmann::json keys = nlohmann::json::array();
    for (size_t i = 0; i < o.files.size(); ++i) {
        std::string plain = pki::unseal(util::read_file(o.files[i]), cert.get(), key->pkey(), o.files[i]);
        try {
            util::write_file_atomic(targets[i], plain, 0600, o.force);
        } catch (...) {
            OPENSSL_cleanse(plain.data(), plain.size());
            throw;
        }
        OPENSSL_cleanse(plain.data(), plain.size());
        keys.push_back({{"in", o.files[i]}, {"out", targets[i]}});
    }
    nlohmann::json doc = {{"schema", "provctl.batch.unseal/v1"}, {"keys", keys}};
    ctx.emit(doc, [&](std::ostream& out) {
        for (size_t i = 0; i < o.files.size(); ++i) out << o.files[i] << " -> " << targets[i] << '\n';
    });
}

void register_batch_unseal(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<BatchUnsealOptions>();
    auto* sub = group.add_subcommand("unseal", "Open device keys sealed to this station (PKCS#8, mode 0600)");
    sub->add_option("FILE", o->files, "Sealed keys (*.key.p7m from batch generate)")->required()->type_name("FILE");
    sub->add_option("--recipient-cert", o->recipient_cert, "The station certificate the keys were sealed to")
        ->required()
        ->type_name("FILE");
    sub->add_option("--recipient-key", o->recipient_key, "The station key: file:PATH or a pkcs11: URI")->required();
    add_key_access_options(*sub, o->access, "", "station");
    sub->add_option("--out", o->out, "Where to write the key (one FILE)")->type_name("FILE");
    sub->add_option("--out-dir", o->out_dir, "Folder for the keys, each named after its sealed file")->type_name("DIR");
    sub->add_flag("--force", o->force, "Replace existing output files");
    sub->footer(help_footer(
        "  provctl batch unseal batch-42/devices/SN-00000001D.key.p7m --recipient-cert station.crt \\\n"
        "      --recipient-key file:station.key --passphrase env:STATION_PASS --out SN-00000001D.key.pem\n"
        "  openssl cms -decrypt -inform DER -in batch-42/devices/SN-00000001D.key.p7m \\\n"
        "      -recip station.crt -inkey station.key   # the same, with openssl\n"));
    sub->callback([o, &ctx] { run_batch_unseal(*o, ctx); });
}

}  // namespace cmd
