// device provision / verify / info / reprovision through the real binary,
// against simulated boards (`provctl device simulate`) on real pseudo-terminals.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "device/line_channel.hpp"
#include "device/serial_port.hpp"
#include "scenario/cloud_server.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sim_process.hpp"
#include "support/registry_backends.hpp"
#include "support/test_support.hpp"
#include "util/base64.hpp"

using nlohmann::json;
using namespace std::chrono_literals;
using scenario::SimProcess;
using testing_support::provctl;
using testing_support::RunResult;
using testing_support::slurp;
using testing_support::spit;
using testing_support::TempDir;
using testing_support::make_postgres_backend;
using testing_support::pg_skip_message;

namespace {

class DeviceProvision : public ::testing::Test {
protected:
    void SetUp() override {
        scenario::make_file_hierarchy(dir.path());
        env = scenario::pass_env();
    }

    std::string path(const std::string& name) const { return dir.path() + "/" + name; }
    std::string registry() const { return registry_url.empty() ? "sqlite:" + path("line.db") : registry_url; }

    // A simulated board on port-N, with its own state file.
    SimProcess& board(int n, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"device", "simulate", "--state", path("board-" + std::to_string(n) + ".json"),
                                         "--link", port(n)};
        args.insert(args.end(), extra.begin(), extra.end());
        sims[n] = std::make_unique<SimProcess>(args);
        EXPECT_FALSE(sims[n]->first_line().empty());
        return *sims[n];
    }
    void stop_board(int n) {
        EXPECT_EQ(sims[n]->stop(), 0);
        sims.erase(n);
    }
    std::string port(int n) const { return path("port-" + std::to_string(n)); }

    std::vector<std::string> issuer_args() const {
        return {"--issuer-cert", path("int.crt"), "--issuer-key", "file:" + path("int.key"), "--issuer-passphrase",
                "env:PROVCTL_TEST_PASS", "--chain", path("root.crt"), "--registry", registry(), "--operator", "alice",
                "--station", "line-3"};
    }

    RunResult provision(const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"--json", "device", "provision", "--timeout", "1500ms", "--backoff", "10ms"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto is = issuer_args();
        args.insert(args.end(), is.begin(), is.end());
        return provctl(args, env, dir.path());
    }

    json unit_of(const RunResult& r, size_t i = 0) {
        json doc = json::parse(r.out, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
        if (doc.is_discarded()) return json::object();
        EXPECT_EQ(doc["schema"], "provctl.device.provision/v1");
        return doc["units"][i];
    }

    json board_state(int n) { return json::parse(slurp(path("board-" + std::to_string(n) + ".json"))); }

    json registry_show(const std::string& id) {
        auto r = provctl({"--json", "registry", "show", id, "--registry", registry()}, {}, dir.path());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out, nullptr, false);
    }

    int active_certs(const json& show) {
        int n = 0;
        for (const auto& c : show["certificates"]) n += c["status"] == "active";
        return n;
    }

    TempDir dir;
    std::string registry_url;  // set: a PostgreSQL registry instead of SQLite
    std::map<std::string, std::string> env;
    std::map<int, std::unique_ptr<SimProcess>> sims;
};

TEST_F(DeviceProvision, AUnitPassesAndOpensslVerifiesTheChainWrittenToIt) {
    board(1, {"--keygen-ms", "50", "--sign-ms", "50"});
    auto r = provision({"--port", port(1), "--device-id", "SN-0001"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    json u = unit_of(r);
    EXPECT_EQ(u["result"], "provisioned");
    EXPECT_EQ(u["device_id"], "SN-0001");
    EXPECT_EQ(u["step"], "PROVISIONED");
    EXPECT_EQ(u["retries"], 0);
    EXPECT_LT(u["seconds"].get<double>(), 1.0);  // the per-unit budget at 115200 baud

    // What the board stores, checked by OpenSSL, not by us.
    json st = board_state(1);
    EXPECT_EQ(st["lifecycle"], "provisioned");
    EXPECT_EQ(st["debug_locked"], true);
    EXPECT_EQ(st["device_id"], "SN-0001");
    spit(path("dev.crt"), st["slots"][0]["cert"].get<std::string>());
    spit(path("dev-chain.pem"), st["slots"][0]["chain"].get<std::string>());
    auto v = scenario::openssl({"verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "root.crt", "-untrusted",
                                "int.crt", "dev.crt"},
                               dir.path());
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    auto text = scenario::openssl({"x509", "-in", "dev.crt", "-noout", "-text"}, dir.path());
    EXPECT_NE(text.out.find("URI:urn:dev:serial:SN-0001"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("TLS Web Client Authentication"), std::string::npos);
    EXPECT_NE(slurp(path("dev-chain.pem")).find(slurp(path("int.crt")).substr(0, 60)), std::string::npos);

    // The registry: one device, manufactured, with exactly that certificate; the steps audited.
    json show = registry_show("SN-0001");
    EXPECT_EQ(show["device"]["state"], "manufactured");
    EXPECT_EQ(show["device"]["hardware_uid"], st["hw_uid"]);
    ASSERT_EQ(show["certificates"].size(), 1u);
    EXPECT_EQ(show["certificates"][0]["sha256"], u["certificate"]["sha256"]);
    std::string audit = show["audit"].dump();
    for (const char* step : {"BOOTSTRAP", "ENROLL", "CREDENTIAL_STORE", "REGISTER", "PROVISIONED"})
        EXPECT_NE(audit.find(std::string("step ") + step), std::string::npos) << step;
    EXPECT_NE(audit.find("line-3"), std::string::npos);
    auto av = provctl({"registry", "audit", "--registry", registry()}, {}, dir.path());
    EXPECT_EQ(av.exit_code, 0) << av.err;
}

TEST_F(DeviceProvision, ARunAgainOnlyVerifiesAndNeverMakesASecondIdentity) {
    board(1);
    ASSERT_EQ(provision({"--port", port(1), "--device-id", "SN-0001"}).exit_code, 0);
    auto again = provision({"--port", port(1)});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    json u = unit_of(again);
    EXPECT_EQ(u["result"], "already-provisioned");
    EXPECT_EQ(u["checks"].size(), 6u);
    json show = registry_show("SN-0001");
    EXPECT_EQ(show["certificates"].size(), 1u);

    auto v = provctl({"--json", "device", "verify", "--port", port(1), "--trust", path("root.crt"), "--registry",
                      registry()},
                     {}, dir.path());
    ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
    json vd = json::parse(v.out);
    EXPECT_EQ(vd["schema"], "provctl.device.verify/v1");
    EXPECT_EQ(vd["units"][0]["result"], "verified");

    auto info = provctl({"--json", "device", "info", "--port", port(1)}, {}, dir.path());
    ASSERT_EQ(info.exit_code, 0) << info.err;
    json id = json::parse(info.out);
    EXPECT_EQ(id["devices"][0]["device_id"], "SN-0001");
    EXPECT_EQ(id["devices"][0]["certificate"]["sha256"], u["certificate"]["sha256"]);
}

TEST_F(DeviceProvision, VerifyNamesTheFailedCheckAndExits3) {
    board(1);
    ASSERT_EQ(provision({"--port", port(1), "--device-id", "SN-0001", "--no-lock-debug"}).exit_code, 0);
    auto v = provctl({"device", "verify", "--port", port(1), "--trust", path("root.crt"), "--registry", registry()}, {},
                     dir.path());
    EXPECT_EQ(v.exit_code, 3) << v.out << v.err;
    EXPECT_NE(v.out.find("debug is not locked"), std::string::npos) << v.out;
    // Against another root the chain check is what fails.
    scenario::openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                       "other.key", "-out", "other.crt", "-subj", "/CN=Other Root", "-days", "30"},
                      dir.path());
    auto w = provctl({"--json", "device", "verify", "--port", port(1), "--trust", path("other.crt"), "--allow-debug",
                      "--no-registry"},
                     {}, dir.path());
    EXPECT_EQ(w.exit_code, 3);
    EXPECT_EQ(json::parse(w.out)["units"][0]["failed_step"], "chain");
}

struct Recoverable {
    const char* name;
    std::vector<std::string> faults;
    bool retries;
};

class DeviceFaultsRecover : public DeviceProvision, public ::testing::WithParamInterface<Recoverable> {};

TEST_P(DeviceFaultsRecover, TheUnitIsRetriedAndPasses) {
    std::vector<std::string> extra;
    for (const auto& f : GetParam().faults) {
        extra.push_back("--fault");
        extra.push_back(f);
    }
    board(1, extra);
    auto r = provision({"--port", port(1), "--device-id", "SN-0001"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    json u = unit_of(r);
    EXPECT_EQ(u["result"], "provisioned");
    if (GetParam().retries) {
        EXPECT_GT(u["retries"].get<int>(), 0);
    }
    // Nothing doubled: one device, one certificate, and it is the board's.
    json show = registry_show("SN-0001");
    ASSERT_EQ(show["certificates"].size(), 1u);
    spit(path("dev.crt"), board_state(1)["slots"][0]["cert"].get<std::string>());
    auto fp = scenario::openssl({"x509", "-in", "dev.crt", "-noout", "-fingerprint", "-sha256"}, dir.path());
    std::string hex;
    for (char c : fp.out.substr(fp.out.find('=') + 1))
        if (std::isxdigit(static_cast<unsigned char>(c))) hex += static_cast<char>(std::tolower(c));
    EXPECT_EQ(hex, show["certificates"][0]["sha256"]);
    EXPECT_EQ(board_state(1)["debug_locked"], true);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, DeviceFaultsRecover,
    ::testing::Values(Recoverable{"noise", {"noise"}, false},
                      Recoverable{"dropped_gen_key_answer", {"drop-response@gen_key:1"}, true},
                      Recoverable{"dropped_write_answer", {"drop-response@write_certs:1"}, true},
                      Recoverable{"reset_during_gen_key", {"reset@gen_key:1"}, true},
                      Recoverable{"reset_during_challenge", {"reset@sign_challenge:1"}, true},
                      Recoverable{"busy_twice", {"busy@get_csr:2"}, true},
                      Recoverable{"corrupted_write_once", {"corrupt-write:1"}, true},
                      Recoverable{"bad_signature_once", {"bad-signature:1"}, true},
                      Recoverable{"debug_lock_fails_once", {"debug-lock-fails:1"}, true},
                      Recoverable{"noise_and_drops", {"noise", "drop-response@finalize:1"}, true}),
    [](const auto& p) { return std::string(p.param.name); });

struct Fatal {
    const char* name;
    std::string fault;
    const char* failed_step;
    const char* reason;
    bool registered;  // the unit got a registry row before it stopped
    const char* lifecycle = "unprovisioned";  // where the board was left
};

class DeviceFaultsQuarantine : public DeviceProvision, public ::testing::WithParamInterface<Fatal> {};

TEST_P(DeviceFaultsQuarantine, TheUnitIsQuarantinedWithTheReason) {
    board(1, {"--fault", GetParam().fault});
    auto r = provision({"--port", port(1), "--device-id", "SN-0001", "--tries", "2"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    json u = unit_of(r);
    EXPECT_EQ(u["result"], "quarantined");
    EXPECT_EQ(u["failed_step"], GetParam().failed_step);
    EXPECT_NE(u["reason"].get<std::string>().find(GetParam().reason), std::string::npos) << u["reason"];
    auto show = provctl({"--json", "registry", "show", "SN-0001", "--registry", registry()}, {}, dir.path());
    if (GetParam().registered) {
        json s = json::parse(show.out);
        EXPECT_EQ(s["device"]["state"], "quarantined");
        EXPECT_EQ(s["certificates"].size(), 1u);
    } else {
        EXPECT_NE(show.exit_code, 0);  // no row without a certificate the unit holds
    }
    // Failed before finalize, the board stays open for failure analysis.
    EXPECT_EQ(board_state(1)["lifecycle"], GetParam().lifecycle);
    // A later run refuses it until it is requeued.
    auto again = provision({"--port", port(1), "--device-id", "SN-0001"});
    EXPECT_EQ(again.exit_code, 3);
    EXPECT_NE(unit_of(again)["reason"].get<std::string>().find("--requeue"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, DeviceFaultsQuarantine,
    ::testing::Values(
        Fatal{"wrong_device_id", "wrong-device-id", "VERIFY", "answered the challenge as", true},
        Fatal{"wrong_device_id_in_hello", "wrong-device-id@hello", "BOOTSTRAP", "expected 'SN-0001'", false},
        Fatal{"bad_signature", "bad-signature", "VERIFY", "does not verify with the certificate's key", true},
        Fatal{"corrupted_write", "corrupt-write", "CREDENTIAL_STORE", "stored a certificate with SHA-256", false},
        Fatal{"debug_lock_never_takes", "debug-lock-fails", "VERIFY", "debug lock did not take", true, "provisioned"},
        Fatal{"no_answer_to_get_csr", "drop-response@get_csr", "ENROLL", "no answer to get_csr", false}),
    [](const auto& p) { return std::string(p.param.name); });

TEST_F(DeviceProvision, ARequeuedUnitPassesAndLeavesQuarantine) {
    board(1, {"--fault", "debug-lock-fails:2"});
    auto first = provision({"--port", port(1), "--device-id", "SN-0001", "--tries", "2"});
    ASSERT_EQ(first.exit_code, 3) << first.out;
    EXPECT_EQ(registry_show("SN-0001")["device"]["state"], "quarantined");
    auto again = provision({"--port", port(1), "--requeue"});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    json show = registry_show("SN-0001");
    EXPECT_EQ(show["device"]["state"], "manufactured");
    EXPECT_EQ(show["certificates"].size(), 1u);
}

TEST_F(DeviceProvision, TheScannedBarcodeMustMatchTheUnit) {
    // A unit without a flashed ID cannot match a barcode.
    board(1);
    auto none = provision({"--port", port(1), "--expect-id", "SN-0009"});
    EXPECT_EQ(none.exit_code, 3) << none.out;
    EXPECT_NE(unit_of(none)["reason"].get<std::string>().find("reports no device ID"), std::string::npos) << none.out;
    // A unit that has an ID (set by a run that then failed) scanned with another label stops at once.
    board(2, {"--fault", "debug-lock-fails"});
    ASSERT_EQ(provision({"--port", port(2), "--device-id", "SN-0002", "--tries", "1"}).exit_code, 3);
    auto wrong = provision({"--port", port(2), "--requeue", "--expect-id", "SN-0009"});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.out;
    json u = unit_of(wrong);
    EXPECT_EQ(u["failed_step"], "BOOTSTRAP");
    EXPECT_NE(u["reason"].get<std::string>().find("SN-0009"), std::string::npos) << u.dump();
    EXPECT_EQ(registry_show("SN-0002")["certificates"].size(), 1u);
}

TEST_F(DeviceProvision, AStationKilledMidUnitResumesWithTheSameIdentity) {
    // The board never answers write_certs: the station is stuck in CREDENTIAL_STORE when killed.
    board(1, {"--fault", "drop-response@write_certs"});
    std::vector<std::string> args = {"device", "provision", "--port", port(1), "--device-id", "SN-0001", "--timeout",
                                     "3s", "--backoff", "1s"};
    auto is = issuer_args();
    args.insert(args.end(), is.begin(), is.end());
    setenv("PROVCTL_TEST_PASS", env["PROVCTL_TEST_PASS"].c_str(), 1);
    SimProcess station(args);  // any child process will do: it is killed, not stopped
    // Wait until the registry holds the unit at ENROLL (its certificate issued, not yet stored).
    std::string seen;
    for (int i = 0; i < 200 && seen.find("step ENROLL") == std::string::npos; ++i) {
        std::this_thread::sleep_for(50ms);
        auto a = provctl({"--json", "registry", "audit", "--registry", registry()}, {}, dir.path());
        seen = a.out;
    }
    ASSERT_NE(seen.find("step ENROLL"), std::string::npos) << seen;
    station.kill_now();
    unsetenv("PROVCTL_TEST_PASS");

    // Power back: the same board, now healthy. The unit resumes after ENROLL and keeps its certificate.
    stop_board(1);
    board(1);
    auto r = provision({"--port", port(1)});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    json u = unit_of(r);
    EXPECT_EQ(u["result"], "provisioned");
    EXPECT_EQ(u["resumed_from"], "ENROLL");
    json show = registry_show("SN-0001");
    ASSERT_EQ(show["certificates"].size(), 1u);
    EXPECT_EQ(show["certificates"][0]["sha256"], u["certificate"]["sha256"]);
}

TEST_F(DeviceProvision, SixteenPortsRunInParallelAndOneFailingUnitStopsNoOther) {
    std::string list;
    for (int n = 1; n <= 16; ++n) {
        board(n, n == 7 ? std::vector<std::string>{"--fault", "bad-signature"} : std::vector<std::string>{});
        list += port(n) + "\n";
    }
    spit(path("fixture.txt"), "# the 16-up fixture\n" + list);
    auto r = provision({"--ports-from", path("fixture.txt"), "--id-template", "SN-{seq:08}{check}", "--tries", "2"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    json doc = json::parse(r.out);
    ASSERT_EQ(doc["units"].size(), 16u);
    EXPECT_EQ(doc["summary"]["passed"], 15);
    std::set<std::string> ids;
    for (size_t i = 0; i < 16; ++i) {
        const auto& u = doc["units"][i];
        EXPECT_EQ(u["port"], port(static_cast<int>(i) + 1));
        EXPECT_EQ(u["result"], i == 6 ? "quarantined" : "provisioned") << u.dump();
        ids.insert(u["device_id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), 16u);  // every unit its own ID from the shared counter
    for (const auto& id : ids) {
        auto c = provctl({"id", "check", "--id-template", "SN-{seq:08}{check}", id}, {}, dir.path());
        EXPECT_EQ(c.exit_code, 0) << id;
    }
    auto list_r = provctl({"--json", "registry", "list", "--registry", registry()}, {}, dir.path());
    EXPECT_EQ(json::parse(list_r.out)["devices"].size(), 16u);
}

TEST_F(DeviceProvision, FourPortsShareAPostgresqlRegistry) {
    auto backend = make_postgres_backend();
    if (!backend) GTEST_SKIP() << pg_skip_message();
    registry_url = backend->url();
    std::vector<std::string> ports;
    for (int n = 1; n <= 4; ++n) {
        board(n, {"--fault", "noise"});
        ports.push_back("--port");
        ports.push_back(port(n));
    }
    ports.insert(ports.end(), {"--id-template", "PG-{seq:06}{check}"});
    auto r = provision(ports);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(json::parse(r.out)["summary"]["passed"], 4);
    auto again = provision(ports);
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    const json again_doc = json::parse(again.out);
    for (const auto& u : again_doc["units"]) EXPECT_EQ(u["result"], "already-provisioned");
    auto raw = backend->connect();
    EXPECT_EQ(raw->column("SELECT COUNT(*) FROM devices"), std::vector<std::string>{"4"});
    EXPECT_EQ(raw->column("SELECT COUNT(*) FROM certificates WHERE status = 'active'"), std::vector<std::string>{"4"});
    EXPECT_EQ(raw->column("SELECT COUNT(*) FROM provisioning_units WHERE step = 'PROVISIONED'"),
              std::vector<std::string>{"4"});
}

TEST_F(DeviceProvision, RmaWithAwsDeactivateRevokesTheOldCertificateInAwsIot) {
    board(1);
    ASSERT_EQ(provision({"--port", port(1), "--device-id", "SN-0001"}).exit_code, 0);
    for (const char* s : {"stocked", "shipped"})
        ASSERT_EQ(provctl({"registry", "set-state", "SN-0001", s, "--registry", registry()}, {}, dir.path()).exit_code, 0);
    scenario::CloudCredentials creds;
    scenario::CloudServer server(dir.path(), creds);
    auto registered = provctl({"cloud", "aws", "register", "--device", "SN-0001", "--without-ca", "--endpoint-url",
                               server.url(), "--registry", registry()},
                              creds.aws_env(), dir.path());
    ASSERT_EQ(registered.exit_code, 0) << registered.out << registered.err;
    std::string old_id = registry_show("SN-0001")["cloud"][0]["certificate_id"];
    std::string old_key = board_state(1)["slots"][0]["key"].get<std::string>();

    std::vector<std::string> args = {"--json", "device", "reprovision", "--port", port(1), "--reason", "rma", "--yes",
                                     "--aws-deactivate", "--aws-endpoint-url", server.url()};
    auto is = issuer_args();
    args.insert(args.end(), is.begin(), is.end());
    // No AWS credentials: refused before the unit is touched.
    auto env_without = env;
    env_without["AWS_SHARED_CREDENTIALS_FILE"] = path("none");
    env_without["AWS_CONFIG_FILE"] = path("none");
    env_without["AWS_REGION"] = "eu-west-1";
    auto refused = provctl(args, env_without, dir.path());
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_EQ(board_state(1)["slots"][0]["key"].get<std::string>(), old_key);

    auto with = env;
    for (const auto& [k, v] : creds.aws_env()) with[k] = v;
    auto r = provctl(args, with, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(json::parse(r.out)["units"][0]["result"], "refurbished");
    EXPECT_EQ(server.state()["certificates"][old_id]["status"], "REVOKED");
    EXPECT_EQ(registry_show("SN-0001")["cloud"][0]["status"], "revoked");
    for (const auto& s : {creds.secret_access_key, creds.session_token}) EXPECT_EQ((r.out + r.err).find(s), std::string::npos);

    // The new certificate goes in next to the old one on the same thing.
    auto again = provctl({"cloud", "aws", "register", "--device", "SN-0001", "--without-ca", "--endpoint-url",
                          server.url(), "--registry", registry()},
                         creds.aws_env(), dir.path());
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    json cloud = registry_show("SN-0001")["cloud"][0];
    EXPECT_NE(cloud["certificate_id"], old_id);
    EXPECT_EQ(server.state()["certificates"][cloud["certificate_id"].get<std::string>()]["status"], "ACTIVE");
    EXPECT_EQ(server.state()["principals"]["SN-0001"].size(), 2u);
}

TEST_F(DeviceProvision, RmaRotatesTheKeyRevokesTheOldCertificateAndCountsTheReturn) {
    board(1);
    ASSERT_EQ(provision({"--port", port(1), "--device-id", "SN-0001"}).exit_code, 0);
    std::string old_key = board_state(1)["slots"][0]["key"].get<std::string>();
    for (const char* s : {"stocked", "shipped"})
        ASSERT_EQ(provctl({"registry", "set-state", "SN-0001", s, "--registry", registry()}, {}, dir.path()).exit_code, 0);
    std::string old_sha = registry_show("SN-0001")["certificates"][0]["sha256"];

    // Without a terminal and without --yes nothing happens.
    std::vector<std::string> args = {"--json", "device", "reprovision", "--port", port(1), "--reason", "rma"};
    auto is = issuer_args();
    args.insert(args.end(), is.begin(), is.end());
    auto refused = provctl(args, env, dir.path());
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("--yes"), std::string::npos);

    args.push_back("--yes");
    auto r = provctl(args, env, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    json u = json::parse(r.out)["units"][0];
    EXPECT_EQ(u["result"], "refurbished");
    json show = registry_show("SN-0001");
    EXPECT_EQ(show["device"]["state"], "refurbished");
    EXPECT_EQ(show["device"]["rma_count"], 1);
    ASSERT_EQ(show["certificates"].size(), 2u);
    EXPECT_EQ(active_certs(show), 1);
    std::string old_serial;
    for (const auto& c : show["certificates"]) {
        if (c["sha256"] == old_sha) {
            EXPECT_EQ(c["status"], "revoked");
            old_serial = c["serial"];
        } else {
            EXPECT_EQ(c["status"], "active");
            EXPECT_EQ(c["sha256"], u["certificate"]["sha256"]);
        }
    }
    // The board retired its old key and holds the new certificate.
    json st = board_state(1);
    EXPECT_NE(st["slots"][0]["key"].get<std::string>(), old_key);
    EXPECT_EQ(st["slots"][0]["retired"].size(), 1u);
    EXPECT_NE(show["audit"].dump().find("step ROTATE done"), std::string::npos);

    // The old certificate is on the next CRL, as OpenSSL reads it.
    auto crl = provctl({"ca", "crl", "--issuer-cert", path("int.crt"), "--issuer-key", "file:" + path("int.key"),
                        "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", path("int.crl"), "--registry",
                        registry()},
                       env, dir.path());
    ASSERT_EQ(crl.exit_code, 0) << crl.err;
    auto text = scenario::openssl({"crl", "-in", "int.crl", "-noout", "-text"}, dir.path());
    EXPECT_NE(text.out.find(old_serial), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Superseded"), std::string::npos);

    // And the unit verifies with its new identity.
    auto v = provctl({"device", "verify", "--port", port(1), "--trust", path("root.crt"), "--registry", registry()}, {},
                     dir.path());
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(DeviceProvision, AnRmaStationKilledAfterTheRotateResumesWithoutASecondCertificate) {
    board(1);
    ASSERT_EQ(provision({"--port", port(1), "--device-id", "SN-0001"}).exit_code, 0);
    for (const char* s : {"stocked", "shipped", "activated"})
        ASSERT_EQ(provctl({"registry", "set-state", "SN-0001", s, "--registry", registry()}, {}, dir.path()).exit_code, 0);
    // The board never answers write_certs: the station is stuck after ENROLL of the new key when killed.
    stop_board(1);
    board(1, {"--fault", "drop-response@write_certs"});
    std::vector<std::string> args = {"device", "reprovision", "--port", port(1), "--reason", "rma", "--yes",
                                     "--timeout", "3s"};
    auto is = issuer_args();
    args.insert(args.end(), is.begin(), is.end());
    setenv("PROVCTL_TEST_PASS", env["PROVCTL_TEST_PASS"].c_str(), 1);
    SimProcess station(args);
    std::string seen;
    for (int i = 0; i < 200 && seen.find("step RMA_ENROLLED") == std::string::npos; ++i) {
        std::this_thread::sleep_for(50ms);
        seen = provctl({"--json", "registry", "audit", "--registry", registry()}, {}, dir.path()).out;
    }
    ASSERT_NE(seen.find("step RMA_ENROLLED"), std::string::npos) << seen;
    station.kill_now();
    unsetenv("PROVCTL_TEST_PASS");
    // The old key is retired on the board; the registry still has the old certificate active.
    EXPECT_EQ(board_state(1)["slots"][0]["retired"].size(), 1u);
    stop_board(1);
    board(1);

    // A plain provision refuses the half-done unit; reprovision finishes it.
    auto p = provision({"--port", port(1)});
    EXPECT_EQ(p.exit_code, 1);
    EXPECT_NE(unit_of(p)["reason"].get<std::string>().find("device reprovision"), std::string::npos);
    args = {"--json", "device", "reprovision", "--port", port(1), "--reason", "rma", "--yes"};
    args.insert(args.end(), is.begin(), is.end());
    auto r = provctl(args, env, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    json u = json::parse(r.out)["units"][0];
    EXPECT_EQ(u["result"], "refurbished");
    EXPECT_EQ(u["resumed_from"], "RMA_ENROLLED");
    json show = registry_show("SN-0001");
    EXPECT_EQ(show["certificates"].size(), 2u);  // the old one and one new one, not two new ones
    EXPECT_EQ(active_certs(show), 1);
    EXPECT_EQ(show["device"]["state"], "refurbished");
    EXPECT_EQ(show["device"]["rma_count"], 1);
    EXPECT_EQ(board_state(1)["slots"][0]["retired"].size(), 1u);  // no second rotate
    auto v = provctl({"device", "verify", "--port", port(1), "--trust", path("root.crt"), "--registry", registry()}, {},
                     dir.path());
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(DeviceProvision, TheSimulatorRefusesARotateWithoutTheIssuersAuthorization) {
    board(1);
    ASSERT_EQ(provision({"--port", port(1), "--device-id", "SN-0001"}).exit_code, 0);
    util::Fd fd = device::open_serial(port(1), {115200, false});
    device::LineChannel ch(fd.get());
    auto call = [&](const json& req) {
        EXPECT_TRUE(ch.write_all(req.dump() + "\n", device::Clock::now() + 2s));
        for (;;) {
            auto got = ch.read_line(device::Clock::now() + 5s);
            if (got.status != device::LineChannel::Status::line) return json();
            json a = json::parse(got.line, nullptr, false);
            if (a.is_object() && a.contains("id") && a["id"] == req["id"]) return a;
        }
    };
    json nonce = call({{"id", 1}, {"cmd", "begin_rotate"}, {"args", {{"slot", 0}}}});
    ASSERT_EQ(nonce["ok"], true) << nonce.dump();
    // Signed by a key that is not the issuer's: refused.
    json r = call({{"id", 2},
                   {"cmd", "rotate"},
                   {"args", {{"slot", 0}, {"authorization", util::base64_encode(std::string(70, 'x'))}}}});
    EXPECT_EQ(r["ok"], false);
    EXPECT_EQ(r["error"]["code"], "unauthorized");
    // The unit keeps its identity.
    auto v = provctl({"device", "verify", "--port", port(1), "--trust", path("root.crt"), "--registry", registry()}, {},
                     dir.path());
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(DeviceProvision, AJobManifestDrivesTheRunAndItsSelfTestCanQuarantine) {
    spit(path("job.yaml"),
         "version: 1\n"
         "kind: provisioning-job\n"
         "job: line-test\n"
         "sku: WIDGET-100\n"
         "hw_revision: B\n"
         "batch: W49\n"
         "device_id: {template: 'J-{seq:06}{check}'}\n"
         "key: {slot: 1, type: ec-p256}\n"
         "certificates:\n"
         "  issuer_cert: int.crt\n"
         "  issuer_key: file:int.key\n"
         "  issuer_passphrase: env:PROVCTL_TEST_PASS\n"
         "  chain: root.crt\n"
         "  validity_days: 3650\n"
         "firmware: {build_id: '1.4.2'}\n"
         "steps: {lock_debug: true, self_test: true, self_test_timeout: 2s}\n"
         "retry: {tries: 2, backoff: 10ms, timeout: 2s}\n");
    board(1);
    board(2, {"--fault", "self-test-fails"});
    board(3, {"--fw-version", "1.3.0"});
    auto r = provctl({"--json", "device", "provision", "--job", path("job.yaml"), "--port", port(1), "--port", port(2),
                      "--port", port(3), "--registry", registry()},
                     env, dir.path());
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    json doc = json::parse(r.out);
    json ok = doc["units"][0];
    EXPECT_EQ(ok["result"], "provisioned") << ok.dump();
    json show = registry_show(ok["device_id"].get<std::string>());
    EXPECT_EQ(show["device"]["batch"], "W49");
    EXPECT_EQ(show["device"]["sku"], "WIDGET-100");
    EXPECT_NE(show["audit"].dump().find("line-test"), std::string::npos);
    // The job's slot: the key and certificate went to slot 1.
    EXPECT_TRUE(board_state(1)["slots"][0]["cert"].get<std::string>().empty());
    EXPECT_FALSE(board_state(1)["slots"][1]["cert"].get<std::string>().empty());
    // Its validity ends with the issuer's, not 3650 days on.
    spit(path("dev.crt"), board_state(1)["slots"][1]["cert"].get<std::string>());
    auto ends = scenario::openssl({"x509", "-in", "dev.crt", "-noout", "-enddate"}, dir.path());
    auto issuer_ends = scenario::openssl({"x509", "-in", "int.crt", "-noout", "-enddate"}, dir.path());
    EXPECT_EQ(ends.out, issuer_ends.out);

    EXPECT_EQ(doc["units"][1]["result"], "quarantined");
    EXPECT_NE(doc["units"][1]["reason"].get<std::string>().find("self-test failed"), std::string::npos);
    EXPECT_EQ(doc["units"][2]["result"], "quarantined");
    EXPECT_EQ(doc["units"][2]["failed_step"], "BOOTSTRAP");
    EXPECT_NE(doc["units"][2]["reason"].get<std::string>().find("firmware 1.3.0"), std::string::npos);

    // A broken job stops before any port is touched.
    spit(path("bad.yaml"), "version: 1\nkind: provisioning-job\njob: x\nsku: 1\n");
    auto bad = provctl({"device", "provision", "--job", path("bad.yaml"), "--port", port(1)}, env, dir.path());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("bad.yaml"), std::string::npos);
}

TEST_F(DeviceProvision, BadArgumentsAreOneLineErrorsWithExit2) {
    auto r = provision({"--port", path("no-such-port"), "--device-id", "SN-1"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(json::parse(r.out)["units"][0]["reason"].get<std::string>().find("does not exist"), std::string::npos);
    auto none = provision({});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("--port"), std::string::npos);
    auto twice = provision({"--port", port(1), "--port", port(1)});
    EXPECT_EQ(twice.exit_code, 2);
    auto slow = provision({"--port", port(1), "--timeout", "soon"});
    EXPECT_EQ(slow.exit_code, 2);
    EXPECT_NE(slow.err.find("--timeout"), std::string::npos);
}

}  // namespace
