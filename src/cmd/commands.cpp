#include "cmd/commands.hpp"

namespace cmd {

std::string help_footer(const std::string& examples, const std::string& exit_codes) {
    std::string codes = exit_codes.empty()
                            ? "  0  success\n  1  the operation failed\n  2  usage error or bad input\n"
                            : exit_codes;
    return "\nEXAMPLES\n" + examples + "\nEXIT CODES\n" + codes;
}

void register_all(CLI::App& app, Context& ctx) {
    auto* ca = app.add_subcommand("ca", "Certificate authority ceremonies: roots, intermediates, revocation and CRLs");
    ca->require_subcommand(1);
    register_ca_init_root(*ca, ctx);
    register_ca_issue_intermediate(*ca, ctx);
    register_ca_revoke(*ca, ctx);
    register_ca_crl(*ca, ctx);
    auto* ceremony = ca->add_subcommand("ceremony", "Run and audit ceremonies described in YAML");
    ceremony->require_subcommand(1);
    register_ca_ceremony_run(*ceremony, ctx);
    register_ca_ceremony_verify(*ceremony, ctx);

    auto* cert = app.add_subcommand("cert", "Issue, inspect and verify certificates");
    cert->require_subcommand(1);
    register_cert_sign_csr(*cert, ctx);
    register_cert_inspect(*cert, ctx);
    register_cert_verify(*cert, ctx);

    auto* csr = app.add_subcommand("csr", "Make certificate signing requests");
    csr->require_subcommand(1);
    register_csr_create(*csr, ctx);

    auto* id = app.add_subcommand("id", "Device IDs with check characters: check and make them");
    id->require_subcommand(1);
    register_id_check(*id, ctx);
    register_id_next(*id, ctx);
    auto* reg = app.add_subcommand("registry", "The device registry: devices, certificates, audit log");
    reg->require_subcommand(1);
    register_registry_list(*reg, ctx);
    register_registry_show(*reg, ctx);
    register_registry_set_state(*reg, ctx);
    register_registry_export(*reg, ctx);
    register_registry_audit(*reg, ctx);

    auto* batch = app.add_subcommand("batch", "Certificates for many devices at once, with registry rows");
    batch->require_subcommand(1);
    register_batch_generate(*batch, ctx);
    register_batch_sign_csrs(*batch, ctx);
    register_batch_unseal(*batch, ctx);

    auto* scan = app.add_subcommand("scan", "Scan files, the registry and TLS endpoints for expiring certificates");
    scan->require_subcommand(1);
    register_scan_expiry(*scan, ctx);

    auto* dev = app.add_subcommand("device", "Provision and verify devices over a serial port");
    dev->require_subcommand(1);
    register_device_provision(*dev, ctx);
    register_device_verify(*dev, ctx);
    register_device_info(*dev, ctx);
    register_device_reprovision(*dev, ctx);
    register_device_simulate(*dev, ctx);

    auto* manifest = app.add_subcommand("manifest", "Check provisioning job and ceremony files");
    manifest->require_subcommand(1);
    register_manifest_validate(*manifest, ctx);

    register_cloud(app, ctx);

    register_completion(app, ctx);
}

int parse_error_exit_code(const CLI::App& app) {
    for (const CLI::App* sub : app.get_subcommands())
        if (sub->get_name() == "scan") return 3;
    return static_cast<int>(util::ExitCode::usage);
}

std::unique_ptr<CLI::App> build_app(Context& ctx) {
    auto app = std::make_unique<CLI::App>("provctl: PKI and device provisioning toolkit", "provctl");
    app->set_version_flag("--version", std::string("provctl ") + PROVCTL_VERSION);
    app->add_flag("--json", ctx.json, "Print one JSON document on stdout (shapes in docs/json.md)");
    app->add_flag("-q,--quiet", ctx.quiet, "Print nothing but errors on stderr");
    app->add_flag("-v,--verbose", ctx.verbose, "Print extra diagnostics on stderr");
    app->add_option("--pkcs11-module", ctx.pkcs11_module,
                    "PKCS#11 module for pkcs11: URIs without module-path (default: $PROVCTL_PKCS11_MODULE)");
    app->require_subcommand(1);
    app->fallthrough();
    register_all(*app, ctx);
    return app;
}

}  // namespace cmd
