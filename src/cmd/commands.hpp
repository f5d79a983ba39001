#pragma once
// The command tree, in one explicit list (see register_all in commands.cpp).
#include <CLI/CLI.hpp>

#include "cmd/context.hpp"
#include "util/error.hpp"

namespace cmd {

// Builds the whole tree under `app`. `ctx` must outlive `app`.
void register_all(CLI::App& app, Context& ctx);

// Builds the root App with global flags and every command; main() and the
// completion/man drift tests share it so they see the same tree.
std::unique_ptr<CLI::App> build_app(Context& ctx);

// The trailer every command's help ends with.
std::string help_footer(const std::string& examples, const std::string& exit_codes = {});

void register_ca_init_root(CLI::App& ca, Context& ctx);
void register_ca_issue_intermediate(CLI::App& ca, Context& ctx);
void register_ca_revoke(CLI::App& ca, Context& ctx);
void register_ca_crl(CLI::App& ca, Context& ctx);
void register_ca_ceremony_run(CLI::App& ceremony, Context& ctx);
void register_ca_ceremony_verify(CLI::App& ceremony, Context& ctx);
void register_cert_sign_csr(CLI::App& cert, Context& ctx);
void register_cert_inspect(CLI::App& cert, Context& ctx);
void register_cert_verify(CLI::App& cert, Context& ctx);
void register_csr_create(CLI::App& csr, Context& ctx);
void register_id_check(CLI::App& id, Context& ctx);
void register_id_next(CLI::App& id, Context& ctx);
void register_registry_list(CLI::App& group, Context& ctx);
void register_registry_show(CLI::App& group, Context& ctx);
void register_registry_set_state(CLI::App& group, Context& ctx);
void register_registry_export(CLI::App& group, Context& ctx);
void register_registry_audit(CLI::App& group, Context& ctx);
void register_batch_generate(CLI::App& group, Context& ctx);
void register_batch_sign_csrs(CLI::App& group, Context& ctx);
void register_batch_unseal(CLI::App& group, Context& ctx);
void register_scan_expiry(CLI::App& group, Context& ctx);
void register_device_provision(CLI::App& group, Context& ctx);
void register_device_verify(CLI::App& group, Context& ctx);
void register_device_info(CLI::App& group, Context& ctx);
void register_device_reprovision(CLI::App& group, Context& ctx);
void register_device_simulate(CLI::App& group, Context& ctx);
void register_manifest_validate(CLI::App& group, Context& ctx);
void register_cloud(CLI::App& app, Context& ctx);  // cmd/cloud.hpp
// The exit code of a command line CLI11 refused: 2, but 3 for scan (monitoring's UNKNOWN).
int parse_error_exit_code(const CLI::App& app);
void register_completion(CLI::App& app, Context& ctx);

}  // namespace cmd
