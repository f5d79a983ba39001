#include "cmd/device_options.hpp"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "device/line_channel.hpp"
#include "device/serial_port.hpp"
#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "util/duration.hpp"
#include "util/text.hpp"

namespace cmd {

namespace {

// "500ms", "5s", "2m": util::parse_duration_ms.
std::chrono::milliseconds parse_ms(const std::string& text, const std::string& option) {
    auto ms = util::parse_duration_ms(text);
    if (!ms) util::fail_input(option + " '" + text + "': expected a duration such as 500ms, 5s or 2m");
    return std::chrono::milliseconds(*ms);
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

void add_port_options(CLI::App& sub, PortOptions& o) {
    sub.add_option("--port", o.ports, "Serial port of a unit; repeat for units in parallel, one worker per port")
        ->type_name("PATH");
    sub.add_option("--ports-from", o.ports_from,
                   "File with one port per line, optionally followed by the unit's expected device ID")
        ->type_name("FILE");
    sub.add_option("--baud", o.baud, "Serial speed")->capture_default_str();
    sub.add_flag("--rtscts", o.rtscts, "Use RTS/CTS hardware flow control");
    sub.add_option("--timeout", o.timeout, "Time allowed for each request, e.g. 500ms or 5s")->capture_default_str();
}

std::chrono::milliseconds request_timeout(const PortOptions& o) {
    auto t = parse_ms(o.timeout, "--timeout");
    if (t.count() <= 0) util::fail_input("--timeout must be longer than zero");
    return t;
}

std::vector<PortPlan> port_plans(const PortOptions& o) {
    std::vector<PortPlan> plans;
    for (const auto& p : o.ports) plans.push_back({p, ""});
    if (!o.ports_from.empty()) {
        std::ifstream in(o.ports_from);
        if (!in) util::fail_input("--ports-from " + o.ports_from + ": cannot read the file");
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            ++n;
            auto hash = line.find('#');
            if (hash != std::string::npos) line.erase(hash);
            line = trim(line);
            if (line.empty()) continue;
            std::istringstream fields(line);
            PortPlan p;
            std::string extra;
            fields >> p.port >> p.expect_id >> extra;
            if (!extra.empty())
                util::fail_input(o.ports_from + ":" + std::to_string(n) + ": expected a port and at most one device ID");
            plans.push_back(p);
        }
    }
    if (plans.empty()) util::fail_input("no port given: use --port PATH (repeatable) or --ports-from FILE");
    for (size_t i = 0; i < plans.size(); ++i)
        for (size_t j = i + 1; j < plans.size(); ++j)
            if (plans[i].port == plans[j].port) util::fail_input("port " + plans[i].port + " is named twice");
    if (!device::supported_baud(o.baud))
        util::fail_input("--baud " + std::to_string(o.baud) + " is not a speed a serial port can use; try 115200");
    request_timeout(o);
    return plans;
}

void add_issuer_options(CLI::App& sub, IssuerOptions& o) {
    sub.add_option("--issuer-cert", o.issuer_cert, "Manufacturing CA certificate (PEM; may be followed by its chain)")
        ->type_name("FILE");
    sub.add_option("--issuer-key", o.issuer_key, "Manufacturing CA key: file:PATH or a pkcs11: URI");
    add_key_access_options(sub, o.issuer_access, "issuer-", "issuer");
    sub.add_option("--chain", o.chain, "Certificates above the issuer, written to the device with its certificate (repeatable)")
        ->type_name("FILE");
    sub.add_option("--trust", o.trust, "Trust anchor the device's chain must reach (repeatable; default: the chain's last)")
        ->type_name("FILE");
    sub.add_option("--subject", o.subject, "Fixed part of every subject, e.g. 'O=Acme' (CN is the device ID)");
    add_validity_options(sub, o.validity);
}

std::vector<util::X509Ptr> read_anchors(const std::vector<std::string>& paths) {
    std::vector<util::X509Ptr> anchors;
    for (const auto& p : paths)
        for (auto& c : pki::read_certificates(p)) anchors.push_back(std::move(c));
    if (anchors.empty()) util::fail_input("--trust: give the root certificate the device's chain must reach");
    return anchors;
}

std::unique_ptr<OpenIssuer> open_issuer(const IssuerOptions& o, const std::string& key_type, Context& ctx) {
    if (o.issuer_cert.empty()) util::fail_input("--issuer-cert is required (or a --job naming it)");
    if (o.issuer_key.empty()) util::fail_input("--issuer-key is required (or a --job naming it)");
    auto out = std::make_unique<OpenIssuer>();
    auto chain = pki::read_certificates(o.issuer_cert);
    out->issuer = std::move(chain.front());
    for (size_t i = 1; i < chain.size(); ++i) out->above.push_back(std::move(chain[i]));
    for (const auto& path : o.chain)
        for (auto& c : pki::read_certificates(path))
            if (X509_cmp(c.get(), out->issuer.get()) != 0) out->above.push_back(std::move(c));
    if (!o.trust.empty()) {
        out->anchors = read_anchors(o.trust);
    } else if (!out->above.empty()) {
        X509* last = out->above.back().get();
        X509_up_ref(last);
        out->anchors.emplace_back(last);
    } else {
        util::fail_input("--trust: give the root certificate (or a --chain ending in it)");
    }
    out->key = pki::open_signing_key(o.issuer_key, with_module(o.issuer_access, ctx));
    for (const auto& w : out->key->warnings()) ctx.warn(w);
    util::EvpPkey sample = pki::generate_key(pki::parse_key_type(key_type));
    pki::Window window = o.validity.resolve(ctx, 7300);
    // Without explicit validity, device certificates last as long as the issuer lets them (up to 20 years).
    const bool explicit_validity = o.validity.days || !o.validity.not_before.empty() || !o.validity.not_after.empty();
    auto issuer_end = util::asn1_time_to_unix(X509_get0_notAfter(out->issuer.get()));
    if ((!explicit_validity || o.clip_validity) && issuer_end && window.not_after > *issuer_end) window.not_after = *issuer_end;
    pki::DeviceTemplateSpec spec{out->issuer.get(), out->key->pkey(), out->key->on_token(), o.subject, window};
    out->tmpl = std::make_unique<pki::DeviceCertTemplate>(spec, sample.get());
    auto& is = out->issuing;
    is.tmpl = out->tmpl.get();
    is.issuer_key = out->key->pkey();
    is.issuer = out->issuer.get();
    is.chain_pem = pki::cert_pem(out->issuer.get());
    is.untrusted.push_back(out->issuer.get());
    for (const auto& c : out->above) {
        is.chain_pem += pki::cert_pem(c.get());
        is.untrusted.push_back(c.get());
    }
    for (const auto& c : out->anchors) is.anchors.push_back(c.get());
    return out;
}

namespace {

struct Row {
    std::string port, device_id, step, result;
};

// The live table: one line per port, redrawn in place on stderr.
class LiveTable {
public:
    LiveTable(std::vector<Row>& rows, std::mutex& mu, Context& ctx) : rows_(rows), mu_(mu), ctx_(ctx) {}
    void draw(bool first) {
        std::lock_guard<std::mutex> lock(mu_);
        std::ostream& err = *ctx_.err;
        if (!first) err << "\033[" << rows_.size() + 1 << "A";
        err << "\r" << std::left << std::setw(22) << "PORT" << std::setw(24) << "DEVICE" << std::setw(18) << "STEP"
            << "RESULT\033[K\n";
        for (const auto& r : rows_) {
            std::string result = r.result.empty() ? "" : ctx_.paint(r.result, r.result == "PASS" ? "32" : "31");
            err << "\r" << std::setw(22) << util::printable(r.port) << std::setw(24) << r.device_id << std::setw(18)
                << r.step << result << "\033[K\n";
        }
        err << std::flush;
    }

private:
    std::vector<Row>& rows_;
    std::mutex& mu_;
    Context& ctx_;
};

bool passed(device::Outcome o) {
    using device::Outcome;
    return o == Outcome::provisioned || o == Outcome::already_provisioned || o == Outcome::verified ||
           o == Outcome::refurbished;
}

int unit_exit(const device::UnitResult& u) {
    if (passed(u.outcome)) return 0;
    if (u.outcome == device::Outcome::quarantined || !u.checks.empty()) return 3;
    return 1;
}

}  // namespace

std::vector<device::UnitResult> run_ports(const std::vector<PortPlan>& plans, const PortOptions& o, Context& ctx,
                                          const UnitWork& work) {
    const auto timeout = request_timeout(o);
    std::vector<device::UnitResult> results(plans.size());
    std::vector<Row> rows(plans.size());
    std::mutex mu;
    for (size_t i = 0; i < plans.size(); ++i) rows[i].port = plans[i].port;
    const bool live = ctx.terminal && !ctx.json && !ctx.quiet;
    LiveTable table(rows, mu, ctx);
    if (live) table.draw(true);

    auto one = [&](size_t i) {
        const PortPlan& plan = plans[i];
        device::UnitResult r;
        try {
            util::Fd fd = device::open_serial(plan.port, {o.baud, o.rtscts});
            device::LineChannel channel(fd.get());
            device::Client client(channel, timeout, [&](const std::string& line) {
                ctx.debug(plan.port + ": ignored: " + line);
            });
            r = work(client, plan, [&](const std::string& step) {
                std::lock_guard<std::mutex> lock(mu);
                rows[i].step = step;
            });
        } catch (const util::Error& e) {
            r.outcome = device::Outcome::failed;
            r.reason = e.what();
        } catch (const std::exception& e) {
            r.outcome = device::Outcome::failed;
            r.reason = e.what();
        }
        r.port = plan.port;
        std::lock_guard<std::mutex> lock(mu);
        rows[i].device_id = r.device_id;
        if (!r.step.empty()) rows[i].step = passed(r.outcome) ? r.step : r.failed_step.empty() ? r.step : r.failed_step;
        rows[i].result = passed(r.outcome) ? "PASS" : device::outcome_name(r.outcome);
        results[i] = std::move(r);
    };

    if (plans.size() == 1) {
        std::thread t(one, 0);
        while (live) {
            // Redraw until the worker is done.
            {
                std::lock_guard<std::mutex> lock(mu);
                if (!rows[0].result.empty()) break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            table.draw(false);
        }
        t.join();
    } else {
        std::vector<std::thread> workers;
        for (size_t i = 0; i < plans.size(); ++i) workers.emplace_back(one, i);
        if (live) {
            for (;;) {
                bool all = true;
                {
                    std::lock_guard<std::mutex> lock(mu);
                    for (const auto& r : rows) all = all && !r.result.empty();
                }
                if (all) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                table.draw(false);
            }
        }
        for (auto& w : workers) w.join();
    }
    if (live) table.draw(false);
    return results;
}

nlohmann::json unit_json(const device::UnitResult& u) {
    auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : u.checks) checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
    nlohmann::json cert = nullptr;
    if (!u.fingerprint.empty())
        cert = {{"serial", u.serial},
                {"sha256", u.fingerprint},
                {"not_after", u.not_after ? nlohmann::json(util::format_rfc3339(u.not_after)) : nlohmann::json(nullptr)}};
    return {
        {"port", u.port},
        {"device_id", opt(u.device_id)},
        {"hw_uid", opt(u.hw_uid)},
        {"result", device::outcome_name(u.outcome)},
        {"passed", passed(u.outcome)},
        {"step", opt(u.step)},
        {"failed_step", opt(u.failed_step)},
        {"reason", opt(u.reason)},
        {"resumed_from", opt(u.resumed_from)},
        {"certificate", cert},
        {"replaced_serial", opt(u.old_serial)},
        {"checks", checks},
        {"retries", u.retries},
        {"seconds", u.seconds},
    };
}

void report_units(const std::vector<device::UnitResult>& units, const std::string& schema, Context& ctx) {
    nlohmann::json list = nlohmann::json::array();
    int exit = 0, passed_n = 0;
    for (const auto& u : units) {
        list.push_back(unit_json(u));
        int e = unit_exit(u);
        if (e == 0) ++passed_n;
        if (e == 3 || (e == 1 && exit == 0)) exit = e;
    }
    nlohmann::json doc = {{"schema", schema},
                          {"units", list},
                          {"summary", {{"units", units.size()}, {"passed", passed_n}, {"failed", units.size() - passed_n}}}};
    ctx.emit(doc, [&](std::ostream& out) {
        for (const auto& u : units) {
            std::string head = passed(u.outcome) ? ctx.paint("PASS", "32") : ctx.paint("FAIL", "31");
            out << head << "  " << util::printable(u.port) << "  " << (u.device_id.empty() ? "-" : u.device_id) << "  "
                << device::outcome_name(u.outcome);
            if (!u.serial.empty()) out << "  serial " << u.serial;
            if (!u.resumed_from.empty()) out << "  (resumed after " << u.resumed_from << ")";
            out << '\n';
            for (const auto& c : u.checks)
                out << "      " << (c.ok ? "ok  " : "FAIL") << "  " << std::left << std::setw(12) << c.name << c.detail << '\n';
            if (!passed(u.outcome) && !u.reason.empty())
                out << "      " << (u.failed_step.empty() ? "" : u.failed_step + ": ") << u.reason << '\n';
        }
        if (units.size() > 1) out << passed_n << " of " << units.size() << " units passed\n";
    });
    if (exit != 0) throw util::Error(static_cast<util::ExitCode>(exit), "");
}

}  // namespace cmd
