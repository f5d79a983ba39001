// provctl batch sign-csrs: certificates for CSRs made on the devices (their
// keys never leave them), with the same registry rows and mapping files as
// batch generate.
#include "cmd/batch_sign_csrs.hpp"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "batch/plan.hpp"
#include "cmd/commands.hpp"
#include "device/device_id.hpp"
#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

namespace cmd {

namespace {

struct MapEntry {
    std::string device_id;
    std::string hardware_serial;
    size_t line = 0;
};

std::vector<std::string> csr_files(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) util::fail_input(dir + ": cannot read the CSR folder");
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        auto ends = [&](const std::string& suffix) {
            return n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (n[0] != '.' && (ends(".csr") || ends(".pem") || ends(".der") || ends(".req"))) names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    if (names.empty()) util::fail_input(dir + ": no CSR files (*.csr, *.pem, *.der, *.req)");
    return names;
}

// CSR_FILE,DEVICE_ID[,HARDWARE_SERIAL] per line; '#' comments; optional header.
std::map<std::string, MapEntry> read_map(const std::string& path, std::vector<std::string>& problems) {
    std::map<std::string, MapEntry> out;
    if (path.empty()) return out;
    std::ifstream in(path);
    if (!in) util::fail_input(path + ": cannot read the --map file");
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#' || line.rfind("csr_file,", 0) == 0) continue;
        std::vector<std::string> f;
        size_t pos = 0;
        for (;;) {
            auto comma = line.find(',', pos);
            f.push_back(line.substr(pos, comma - pos));
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
        std::string where = path + ":" + std::to_string(n) + ": ";
        if (f.size() < 2 || f.size() > 3) {
            problems.push_back(where + "expected CSR_FILE,DEVICE_ID[,HARDWARE_SERIAL]");
            continue;
        }
        if (!out.emplace(f[0], MapEntry{f[1], f.size() == 3 ? f[2] : "", n}).second)
            problems.push_back(where + f[0] + " is mapped twice");
    }
    return out;
}

}  // namespace

void run_batch_sign_csrs(const BatchSignCsrsOptions& o, Context& ctx) {
    std::optional<device::IdTemplate> tmpl;
    if (!o.batch.id_template.empty()) tmpl = device::IdTemplate::parse(o.batch.id_template);
    std::vector<std::string> problems;
    auto map = read_map(o.map, problems);
    std::vector<batch::PlannedDevice> devices;
    std::map<std::string, std::string> id_owner;  // device ID -> CSR file
    util::X509ReqPtr sample;
    // Every CSR is checked before anything is signed: one bad file stops the
    // batch with the full list of problems, and nothing half-issued.
    for (const auto& name : csr_files(o.csr_dir)) {
        std::string path = o.csr_dir + "/" + name;
        util::X509ReqPtr req;
        try {
            req = pki::read_csr(path);
        } catch (const util::Error& e) {
            problems.push_back(e.what());
            continue;
        }
        EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
        if (pub == nullptr || X509_REQ_verify(req.get(), pub) != 1) {
            util::drain_openssl_errors();
            problems.push_back(path + ": the request's signature does not verify; it was altered or made with another key");
            continue;
        }
        if (std::string why = pki::weak_key_reason(pub); !why.empty()) {
            problems.push_back(path + ": weak key: " + why);
            continue;
        }
        batch::PlannedDevice d;
        d.csr_path = path;
        if (auto it = map.find(name); it != map.end()) {
            d.device_id = it->second.device_id;
            d.hardware_serial = it->second.hardware_serial;
            map.erase(it);
        } else if (!o.map.empty()) {
            problems.push_back(path + ": not in --map " + o.map);
            continue;
        } else {
            d.device_id = pki::common_name(X509_REQ_get_subject_name(req.get()));
        }
        if (auto problem = device::id_problem(d.device_id)) {
            problems.push_back(path + ": device ID '" + d.device_id.substr(0, device::kMaxIdLength) + "': " + *problem);
            continue;
        }
        if (tmpl) {
            auto reading = tmpl->read(d.device_id);
            if (!reading.valid()) {
                problems.push_back(path + ": device ID '" + d.device_id + "' does not match --id-template: " + reading.error);
                continue;
            }
        }
        if (auto [it, fresh] = id_owner.emplace(d.device_id, path); !fresh) {
            problems.push_back(path + ": device ID " + d.device_id + " is already bound to " + it->second);
            continue;
        }
        if (!sample) sample = std::move(req);
        devices.push_back(std::move(d));
    }
    for (const auto& [file, entry] : map)
        problems.push_back(o.map + ":" + std::to_string(entry.line) + ": " + file + " is not in " + o.csr_dir);
    if (!problems.empty()) {
        std::string message = std::to_string(problems.size()) + " problem(s) with the CSRs; nothing was issued";
        for (size_t i = 0; i < problems.size() && i < 20; ++i) message += "\n  " + problems[i];
        util::fail_input(message);
    }
    auto plan = batch::list_plan(std::move(devices));
    batch::Request req = batch_request(o.batch, ctx);
    req.plan = plan.get();
    req.from_csrs = true;
    req.sample_key = X509_REQ_get0_pubkey(sample.get());
    run_batch(req, o.batch, "sign-csrs", ctx);
}

void register_batch_sign_csrs(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<BatchSignCsrsOptions>();
    auto* sub = group.add_subcommand("sign-csrs", "Issue certificates for a folder of device CSRs, with registry rows");
    sub->add_option("--csr-dir", o->csr_dir, "Folder of CSRs (*.csr, *.pem, *.der, *.req); each signature is checked")
        ->required()
        ->type_name("DIR");
    sub->add_option("--map", o->map, "CSR_FILE,DEVICE_ID[,HARDWARE_SERIAL] per line (default: each CSR's CN)")
        ->type_name("FILE");
    add_batch_options(*sub, o->batch);
    sub->footer(help_footer(
        "  provctl batch sign-csrs --csr-dir incoming/ --id-template 'SN-{seq:08}{check}' \\\n"
        "      --issuer-cert widgets.crt --issuer-key file:widgets.key --out batch-44 --batch-id B44\n",
        "  0  every CSR has its certificate (new or from an earlier run)\n"
        "  1  the operation failed, or some devices were in conflict (listed) and not issued\n"
        "  2  usage error or bad input (a CSR, the map, the issuer key)\n"));
    sub->callback([o, &ctx] { run_batch_sign_csrs(*o, ctx); });
}

}  // namespace cmd
