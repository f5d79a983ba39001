// provctl batch generate: key pairs and certificates for many devices, sealed
// keys, registry rows and mapping files; safe to run again after any stop.
#include "cmd/batch_generate.hpp"

#include "batch/plan.hpp"
#include "cmd/commands.hpp"

namespace cmd {

void run_batch_generate(const BatchGenerateOptions& o, Context& ctx) {
    if ((o.count > 0) == !o.ids.empty()) util::fail_input("give either --count (with --id-template) or --ids FILE");
    std::optional<device::IdTemplate> tmpl;
    if (!o.batch.id_template.empty()) tmpl = device::IdTemplate::parse(o.batch.id_template);
    std::unique_ptr<batch::Plan> plan;
    if (o.count > 0) {
        if (!tmpl) util::fail_input("--count needs --id-template to name the devices");
        plan = batch::template_plan(*tmpl, o.start, o.count);
    } else {
        plan = batch::file_plan(o.ids, tmpl ? &*tmpl : nullptr);
    }
    batch::Request req = batch_request(o.batch, ctx);
    req.plan = plan.get();
    req.key_type = pki::parse_key_type(o.key_type);
    req.recipient_path = o.recipient;
    req.plaintext_keys = o.plaintext_keys;
    if (o.plaintext_keys)
        ctx.warn("--plaintext-keys: device private keys are written unencrypted; for lab use only");
    run_batch(req, o.batch, "generate", ctx);
}

void register_batch_generate(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<BatchGenerateOptions>();
    auto* sub = group.add_subcommand("generate", "Make keys and certificates for many devices, with registry rows");
    sub->add_option("--count", o->count, "Number of devices, named by --id-template from --start on");
    sub->add_option("--start", o->start, "First sequence number for --id-template")->capture_default_str();
    sub->add_option("--ids", o->ids, "File of device IDs, one per line: DEVICE_ID[,HARDWARE_SERIAL]")
        ->type_name("FILE");
    sub->add_option("--key-type", o->key_type, std::string("Device key type: ") + pki::kKeyTypeChoices)
        ->capture_default_str();
    sub->add_option("--recipient", o->recipient,
                    "Station certificate the device keys are sealed to (CMS EnvelopedData)")
        ->type_name("FILE");
    sub->add_flag("--plaintext-keys", o->plaintext_keys, "Write device keys unencrypted (lab use only; warns)");
    add_batch_options(*sub, o->batch);
    sub->footer(help_footer(
        "  provctl batch generate --count 10000 --id-template 'SN-{seq:08}{check}' \\\n"
        "      --issuer-cert widgets.crt --issuer-key file:widgets.key --issuer-passphrase env:INT_PASS \\\n"
        "      --chain root.crt --recipient station.crt --days 3650 --out batch-42 --batch-id B42\n"
        "  provctl batch generate --ids mes-export.csv --id-template 'SN-{seq:08}{check}' \\\n"
        "      --issuer-cert widgets.crt --issuer-key file:widgets.key --recipient station.crt \\\n"
        "      --out batch-43 --batch-id B43 --registry postgresql://factory-db/provctl\n",
        "  0  every planned device has its certificate (new or from an earlier run)\n"
        "  1  the operation failed, or some devices were in conflict (listed) and not issued\n"
        "  2  usage error or bad input (ID list, recipient certificate, issuer key)\n"));
    sub->callback([o, &ctx] { run_batch_generate(*o, ctx); });
}

}  // namespace cmd
