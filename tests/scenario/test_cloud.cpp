// provctl cloud aws / azure through the real binary against a local server
// that recomputes every SigV4 signature with botocore's signer and every SAS
// on its own, and refuses what does not match. What we send is also checked
// with openssl (the verification certificate, the certificates registered).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "registry/registry.hpp"
#include "scenario/cloud_server.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sim_process.hpp"
#include "util/ossl.hpp"
#include "util/time.hpp"

using namespace testing_support;
using nlohmann::json;
using scenario::CloudCredentials;
using scenario::CloudServer;
using scenario::openssl;

namespace {

std::string fingerprint_by_openssl(const std::string& dir, const std::string& pem) {
    spit(dir + "/fp.pem", pem);
    auto r = openssl({"x509", "-in", "fp.pem", "-noout", "-fingerprint", "-sha256"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string hex;
    for (char c : r.out.substr(r.out.find('=') + 1))
        if (std::isxdigit(static_cast<unsigned char>(c))) hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return hex;
}

class Cloud : public ::testing::Test {
protected:
    void SetUp() override { scenario::make_file_hierarchy(dir.path()); }

    // A batch of `n` devices in the registry; their IDs in order.
    std::vector<std::string> make_batch(int n, const std::string& batch = "B-2026-12", int start = 1) {
        auto r = provctl({"batch", "generate", "--count", std::to_string(n), "--start", std::to_string(start),
                          "--id-template", "SN-{seq:08}{check}", "--issuer-cert", "int.crt", "--issuer-key",
                          "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--days", "365", "--out",
                          batch, "--batch-id", batch, "--sku", "WIDGET-2", "--hw-revision", "C", "--plaintext-keys",
                          "--registry", reg()},
                         scenario::pass_env(), dir.path());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::vector<std::string> ids;
        std::istringstream in(slurp(dir.file(batch + "/mapping.csv")));
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) ids.push_back(line.substr(0, line.find(',')));
        return ids;
    }
    std::string reg() const { return "sqlite:" + dir.file("registry.db"); }

    RunResult aws(std::vector<std::string> args, const CloudServer& server, bool with_registry = true) {
        std::vector<std::string> full = {"cloud", "aws"};
        full.insert(full.end(), args.begin(), args.end());
        full.insert(full.end(), {"--endpoint-url", server.url()});
        if (with_registry) full.insert(full.end(), {"--registry", reg()});
        auto env = creds.aws_env();
        env["PROVCTL_TEST_PASS"] = scenario::pass_env().at("PROVCTL_TEST_PASS");
        return provctl(full, env, dir.path());
    }
    RunResult azure(std::vector<std::string> args, const CloudServer& server, bool with_registry = true) {
        std::vector<std::string> full = {"cloud", "azure"};
        full.insert(full.end(), args.begin(), args.end());
        full.insert(full.end(), {"--endpoint", server.url()});
        if (with_registry) full.insert(full.end(), {"--registry", reg()});
        return provctl(full, creds.azure_env(), dir.path());
    }
    // A second certificate for the device, made active in the registry as an RMA would.
    void replace_certificate(const std::string& id) {
        auto r = openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                          "rma.key", "-out", "rma.csr", "-subj", "/CN=" + id},
                         dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        r = provctl({"cert", "sign-csr", "--csr", "rma.csr", "--device-id", id, "--issuer-cert", "int.crt", "--issuer-key",
                     "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--days", "30", "--out", "rma.crt"},
                    scenario::pass_env(), dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        util::X509Ptr cert = pki::read_certificate(dir.file("rma.crt"));
        util::SystemClock clock;
        auto db = registry::open_registry(reg(), clock);
        registry::Transaction tx(*db);
        db->add_certificate({id, pki::format_name(X509_get_issuer_name(cert.get())),
                             util::serial_hex(X509_get0_serialNumber(cert.get())), util::cert_sha256_hex(cert.get()),
                             *util::asn1_time_to_unix(X509_get0_notBefore(cert.get())),
                             *util::asn1_time_to_unix(X509_get0_notAfter(cert.get())), pki::cert_pem(cert.get())},
                            {"ci", "rma-bench"});
        tx.commit();
    }
    json show(const std::string& id) {
        auto r = provctl({"--json", "registry", "show", id, "--registry", reg()}, {}, dir.path());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out);
    }
    std::string pem_of(const std::string& id) {
        json shown = show(id);  // kept alive: the loop walks into it
        for (auto& c : shown["certificates"])
            if (c["status"] == "active") return c["pem"];
        return "";
    }
    static json summary(const RunResult& r) {
        auto doc = json::parse(r.out, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
        return doc;
    }
    static json device_of(const json& doc, const std::string& id) {
        for (auto& d : doc["devices"])
            if (d["device_id"] == id) return d;
        return nullptr;
    }
    void expect_no_secret(const std::string& text) {
        for (const auto& s : {creds.secret_access_key, creds.session_token, creds.dps_key})
            EXPECT_EQ(text.find(s), std::string::npos) << "a secret leaked into: " << text.substr(0, 400);
    }
    void expect_all_signed(const CloudServer& server) {
        for (auto& e : server.log()) EXPECT_TRUE(e["auth"] == "sigv4" || e["auth"] == "sas") << e.dump();
        EXPECT_EQ(server.stats()["rejected_auth"], 0);
    }

    TempDir dir;
    CloudCredentials creds;
};

TEST_F(Cloud, AwsRegisterCaThenBatchRecordsEverythingAndRerunSendsNothing) {
    auto ids = make_batch(6);
    CloudServer server(dir.path(), creds);
    auto ca = aws({"register-ca", "--ca-cert", "int.crt", "--ca-key", "file:int.key", "--ca-passphrase",
                   "env:PROVCTL_TEST_PASS", "--set-active"},
                  server, false);
    ASSERT_EQ(ca.exit_code, 0) << ca.err;
    auto ca_doc = summary(ca);
    EXPECT_EQ(ca_doc["schema"], "provctl.cloud.aws.register-ca/v1");
    EXPECT_EQ(ca_doc["status"], "registered");
    EXPECT_EQ(ca_doc["certificate_id"], fingerprint_by_openssl(dir.path(), slurp(dir.file("int.crt"))));

    // The verification certificate, checked by openssl: CN is the registration code, signed by the CA.
    auto sent = server.log_of("RegisterCACertificate");
    ASSERT_EQ(sent.size(), 1u);
    auto body = json::parse(sent[0]["body"].get<std::string>());
    EXPECT_EQ(body["certificateMode"], "DEFAULT");
    spit(dir.file("verification.pem"), body["verificationCertificate"]);
    auto subject = openssl({"x509", "-in", "verification.pem", "-noout", "-subject", "-nameopt", "RFC2253"}, dir.path());
    EXPECT_EQ(subject.out, "subject=CN=" + server.state()["registration_code"].get<std::string>() + "\n");
    auto verified = openssl({"verify", "-partial_chain", "-CAfile", "int.crt", "verification.pem"}, dir.path());
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    EXPECT_EQ(sent[0]["query"]["setAsActive"], "true");

    auto r = aws({"register", "--batch", "B-2026-12", "--ca-cert", "int.crt", "--policy", "DevicePolicy",
                  "--thing-group", "line-1", "--attributes", "line=L1,factory=F7", "--rate", "50/s"},
                 server);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(doc["schema"], "provctl.cloud.aws.register/v1");
    EXPECT_EQ(doc["planned"], 6);
    EXPECT_EQ(doc["done"], 6);
    auto state = server.state();
    for (const auto& id : ids) {
        std::string pem = pem_of(id);
        std::string fp = fingerprint_by_openssl(dir.path(), pem);
        auto& cert = state["certificates"][fp];
        ASSERT_TRUE(cert.is_object()) << id << " not registered";
        EXPECT_EQ(cert["status"], "ACTIVE");
        EXPECT_EQ(fingerprint_by_openssl(dir.path(), cert["pem"]), fp);
        std::string arn = "arn:aws:iot:eu-west-1:123456789012:cert/" + fp;
        auto& thing = state["things"][id];
        EXPECT_EQ(thing["attributes"], (json{{"sku", "WIDGET-2"}, {"hw_revision", "C"}, {"batch", "B-2026-12"},
                                             {"line", "L1"}, {"factory", "F7"}}));
        EXPECT_EQ(state["principals"][id], json::array({arn}));
        auto targets = state["policy_targets"]["DevicePolicy"];
        EXPECT_NE(std::find(targets.begin(), targets.end(), arn), targets.end()) << id;
        auto members = state["group_members"]["line-1"];
        EXPECT_NE(std::find(members.begin(), members.end(), id), members.end()) << id;

        auto d = device_of(doc, id);
        EXPECT_EQ(d["status"], "registered");
        EXPECT_EQ(d["certificate_arn"], arn);
        EXPECT_EQ(d["thing_arn"], "arn:aws:iot:eu-west-1:123456789012:thing/" + id);
        auto shown = show(id);
        ASSERT_EQ(shown["cloud"].size(), 1u);
        EXPECT_EQ(shown["cloud"][0]["status"], "registered");
        EXPECT_EQ(shown["cloud"][0]["certificate_id"], fp);
        EXPECT_EQ(shown["cloud"][0]["steps"], json::array({"certificate", "thing", "principal", "policy:DevicePolicy", "group:line-1"}));
        int audited = 0;
        for (auto& e : shown["audit"])
            if (e["action"] == "cloud") ++audited;
        EXPECT_GE(audited, 4) << id;
        expect_no_secret(shown.dump());
    }
    for (auto& e : server.log_of("RegisterCertificate")) {
        auto b = json::parse(e["body"].get<std::string>());
        EXPECT_EQ(b["status"], "ACTIVE");
        EXPECT_EQ(b["caCertificatePem"], slurp(dir.file("int.crt")));
    }
    for (auto& e : server.log_of("AttachThingPrincipal"))
        EXPECT_EQ(e["headers"]["x-amzn-principal"].get<std::string>().rfind("arn:aws:iot:eu-west-1:123456789012:cert/", 0), 0u);
    expect_all_signed(server);
    expect_no_secret(r.out + r.err);

    size_t before = server.log().size();
    auto again = aws({"register", "--batch", "B-2026-12", "--ca-cert", "int.crt", "--policy", "DevicePolicy",
                      "--thing-group", "line-1", "--attributes", "line=L1,factory=F7"},
                     server);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(summary(again)["skipped"], 6);
    EXPECT_EQ(server.log().size(), before) << "a re-run sent requests for done work";

    auto ca_again = aws({"register-ca", "--ca-cert", "int.crt", "--ca-key", "file:int.key", "--ca-passphrase",
                         "env:PROVCTL_TEST_PASS"},
                        server, false);
    ASSERT_EQ(ca_again.exit_code, 0) << ca_again.err;
    EXPECT_EQ(summary(ca_again)["status"], "already-registered");
}

TEST_F(Cloud, ThrottlingAndServerErrorsAreRetriedWithBackoffAndRetryAfter) {
    auto ids = make_batch(3);
    CloudServer server(dir.path(), creds,
                       {{"faults",
                         {{{"api", "CreateThing"}, {"status", 429}, {"error_type", "ThrottlingException"},
                           {"message", "Rate exceeded"}, {"retry_after", "1"}, {"count", 2}},
                          {{"api", "RegisterCertificateWithoutCA"}, {"status", 400}, {"error_type", "ThrottlingException"},
                           {"message", "Rate exceeded"}, {"count", 2}},
                          {{"api", "AttachThingPrincipal"}, {"status", 503}, {"error_type", "ServiceUnavailableException"},
                           {"message", "try later"}, {"count", 2}},
                          {{"api", "AttachThingPrincipal"}, {"drop", true}, {"count", 1}}}}});
    auto r = aws({"register", "--batch", "B-2026-12", "--without-ca", "--jobs", "1"}, server);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(doc["done"], 3);
    EXPECT_EQ(doc["retries"], 7);
    EXPECT_EQ(doc["throttled"], 4);
    EXPECT_EQ(server.log_of("CreateThing").size(), 5u);
    EXPECT_EQ(server.log_of("AttachThingPrincipal").size(), 6u);
    // Retry-After: 1 second between the throttled CreateThing and the next one.
    auto things = server.log_of("CreateThing");
    EXPECT_GE(things[1]["t"].get<double>() - things[0]["t"].get<double>(), 0.95);
    EXPECT_GE(things[2]["t"].get<double>() - things[1]["t"].get<double>(), 0.95);
    EXPECT_EQ(server.state()["things"].size(), 3u);
    expect_all_signed(server);
}

TEST_F(Cloud, ValidationErrorStopsThatDeviceWithTheProvidersMessageAndNoRetry) {
    auto ids = make_batch(4);
    const std::string bad = ids[2];
    const std::string message = "1 validation error detected: Value at 'thingName' failed to satisfy constraint";
    CloudServer server(dir.path(), creds,
                       {{"faults",
                         {{{"api", "CreateThing"}, {"match", "/things/" + bad}, {"status", 400},
                           {"error_type", "InvalidRequestException"}, {"message", message}, {"count", -1}}}}});
    auto r = aws({"register", "--batch", "B-2026-12", "--without-ca"}, server);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(doc["done"], 3);
    EXPECT_EQ(doc["failed"], 1);
    auto d = device_of(doc, bad);
    EXPECT_EQ(d["status"], "failed");
    EXPECT_EQ(d["message"], "CreateThing: HTTP 400 InvalidRequestException: " + message);
    int tries = 0;
    for (auto& e : server.log_of("CreateThing"))
        if (e["path"] == "/things/" + bad) ++tries;
    EXPECT_EQ(tries, 1) << "a validation error was retried";
    auto rec = show(bad)["cloud"][0];
    EXPECT_EQ(rec["status"], "failed");
    EXPECT_EQ(rec["steps"], json::array({"certificate"}));
    EXPECT_EQ(rec["message"], d["message"]);
}

TEST_F(Cloud, AlreadyExistsIsReconciledAndRealConflictsAreReported) {
    auto ids = make_batch(4);
    // ids[0]: its certificate and thing are there already, as ours; ids[1]: a thing with other attributes;
    // ids[2]: its certificate is there but REVOKED.
    json existing = {{"certificates", {{{"pem", pem_of(ids[0])}, {"status", "ACTIVE"}}, {{"pem", pem_of(ids[2])}, {"status", "REVOKED"}}}},
                     {"things",
                      {{{"thingName", ids[0]}, {"thingTypeName", nullptr},
                        {"attributes", {{"sku", "WIDGET-2"}, {"hw_revision", "C"}, {"batch", "B-2026-12"}}}},
                       {{"thingName", ids[1]}, {"thingTypeName", nullptr}, {"attributes", {{"sku", "GADGET-9"}}}}}}};
    CloudServer server(dir.path(), creds, {{"existing", existing}});
    auto r = aws({"register", "--batch", "B-2026-12", "--without-ca"}, server);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(device_of(doc, ids[0])["status"], "registered");
    EXPECT_EQ(device_of(doc, ids[3])["status"], "registered");
    auto conflict = device_of(doc, ids[1]);
    EXPECT_EQ(conflict["status"], "conflict");
    EXPECT_NE(conflict["message"].get<std::string>().find("sku 'GADGET-9' (ours 'WIDGET-2')"), std::string::npos)
        << conflict["message"];
    auto revoked = device_of(doc, ids[2]);
    EXPECT_EQ(revoked["status"], "conflict");
    EXPECT_NE(revoked["message"].get<std::string>().find("status REVOKED"), std::string::npos) << revoked["message"];
    EXPECT_EQ(doc["conflicts"], 2);
    EXPECT_EQ(show(ids[1])["cloud"][0]["status"], "conflict");
    // The reconciled device is attached like any other.
    EXPECT_EQ(server.state()["principals"][ids[0]].size(), 1u);
}

TEST_F(Cloud, KilledBulkRunResumesWithoutRepeatingDoneWork) {
    auto ids = make_batch(16);
    CloudServer server(dir.path(), creds, {{"delay_ms", 60}});
    // The killed child gets its credentials the way a CI job would, from the environment.
    for (const auto& [k, v] : creds.aws_env()) ::setenv(k.c_str(), v.c_str(), 1);
    {
        scenario::SimProcess run({"cloud", "aws", "register", "--batch", "B-2026-12", "--without-ca", "--jobs", "2",
                                  "--endpoint-url", server.url(), "--registry", reg()});
        for (int i = 0; i < 200 && server.log().size() < 30; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
        run.kill_now();
    }
    for (const auto& [k, v] : creds.aws_env()) ::unsetenv(k.c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // answers in flight land
    auto first = server.log();
    ASSERT_GE(first.size(), 30u);
    ASSERT_LT(server.state()["things"].size() + 0u, 16u) << "the run finished before it was killed";
    std::set<std::string> done_before;
    for (const auto& id : ids) {
        auto c = show(id)["cloud"];
        if (!c.empty() && c[0]["status"] == "registered") done_before.insert(id);
    }
    EXPECT_FALSE(done_before.empty());

    auto r = aws({"register", "--batch", "B-2026-12", "--without-ca", "--jobs", "2"}, server);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(doc["skipped"], done_before.size());
    auto all = server.log();
    for (size_t i = first.size(); i < all.size(); ++i)
        for (const auto& id : done_before)
            EXPECT_EQ(all[i]["path"].get<std::string>().find(id), std::string::npos)
                << "the resumed run repeated work for " << id << ": " << all[i]["path"];
    // At most the two requests in flight at the kill are sent twice; AWS's "already exists" settles them.
    EXPECT_LE(server.log_of("RegisterCertificateWithoutCA").size(), 16u + 2u);
    auto state = server.state();
    EXPECT_EQ(state["certificates"].size(), 16u);
    EXPECT_EQ(state["things"].size(), 16u);
    for (const auto& id : ids) EXPECT_EQ(state["principals"][id].size(), 1u) << id;
}

TEST_F(Cloud, RateLimitHoldsEveryApiUnderTheRate) {
    make_batch(10);
    CloudServer server(dir.path(), creds);
    auto r = aws({"register", "--batch", "B-2026-12", "--without-ca", "--rate", "4/s", "--jobs", "8"}, server);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto stats = server.stats();
    for (auto& [api, n] : stats["max_per_second"].items()) EXPECT_LE(n.get<int>(), 4) << api;
    EXPECT_EQ(stats["by_api"]["RegisterCertificateWithoutCA"], 10);
    // 10 requests of one API at 4/s need at least 2.25 s from first to last.
    auto reg_calls = server.log_of("RegisterCertificateWithoutCA");
    EXPECT_GE(reg_calls.back()["t"].get<double>() - reg_calls.front()["t"].get<double>(), 2.2);
}

TEST_F(Cloud, DryRunSendsNothingNeedsNoCredentialsAndPrintsNoSecret) {
    auto ids = make_batch(2);
    CloudServer server(dir.path(), creds);
    auto r = provctl({"cloud", "aws", "register", "--batch", "B-2026-12", "--without-ca", "--policy", "DevicePolicy",
                      "--dry-run", "--jobs", "1", "--region", "eu-west-1", "--endpoint-url", server.url(), "--registry", reg()},
                     {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = summary(r);
    EXPECT_EQ(doc["schema"], "provctl.cloud.dry-run/v1");
    ASSERT_EQ(doc["requests"].size(), 8u);
    EXPECT_EQ(doc["requests"][0]["method"], "POST");
    EXPECT_EQ(doc["requests"][0]["url"], server.url() + "/certificate/register-no-ca");
    EXPECT_EQ(doc["requests"][0]["body"]["certificatePem"], pem_of(ids[0]));
    EXPECT_EQ(doc["requests"][3]["url"], server.url() + "/target-policies/DevicePolicy");
    EXPECT_TRUE(server.log().empty()) << "a dry run reached the server";
    EXPECT_TRUE(show(ids[0])["cloud"].empty()) << "a dry run changed the registry";

    // With credentials at hand they still stay out of the output.
    auto with = aws({"register", "--device", ids[0], "--without-ca", "--dry-run"}, server);
    ASSERT_EQ(with.exit_code, 0) << with.err;
    expect_no_secret(with.out + with.err);
    EXPECT_EQ(with.out.find("Authorization"), std::string::npos);
    auto az = azure({"enroll", "--device", ids[0], "--dry-run"}, server);
    ASSERT_EQ(az.exit_code, 0) << az.err;
    expect_no_secret(az.out + az.err);
    EXPECT_EQ(summary(az)["requests"][0]["method"], "PUT");
    EXPECT_EQ(summary(az)["requests"][0]["url"], server.url() + "/enrollments/" + ids[0] + "?api-version=2021-10-01");
    EXPECT_TRUE(server.log().empty());
}

TEST_F(Cloud, WrongCredentialsAreRefusedByTheServerAndNeverPrinted) {
    auto ids = make_batch(1);
    CloudServer server(dir.path(), creds);
    CloudCredentials wrong = creds;
    wrong.secret_access_key = "wrongSecretKeyValue0000000000000000000000";
    wrong.dps_key = "d3JvbmctZHBzLWtleS0wMTIzNDU2Nzg5YWJjZGVmZ2g=";
    auto env = wrong.aws_env();
    auto r = provctl({"--verbose", "cloud", "aws", "register", "--device", ids[0], "--without-ca", "--tries", "1",
                      "--endpoint-url", server.url(), "--registry", reg()},
                     env, dir.path());
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(device_of(summary(r), ids[0])["message"].get<std::string>().find("HTTP 403"), std::string::npos) << r.out;
    auto a = provctl({"--verbose", "cloud", "azure", "enroll", "--device", ids[0], "--tries", "1", "--endpoint",
                      server.url(), "--registry", reg()},
                     wrong.azure_env(), dir.path());
    EXPECT_EQ(a.exit_code, 1) << a.out << a.err;
    EXPECT_NE(device_of(summary(a), ids[0])["message"].get<std::string>().find("HTTP 401"), std::string::npos) << a.out;
    EXPECT_EQ(server.stats()["rejected_auth"], 2);
    for (const auto& s : {wrong.secret_access_key, wrong.session_token, wrong.dps_key, creds.dps_key}) {
        EXPECT_EQ((r.out + r.err + a.out + a.err).find(s), std::string::npos);
        EXPECT_EQ(show(ids[0]).dump().find(s), std::string::npos);
    }
}

TEST_F(Cloud, AzureBatchGoesInBulkChunksOfTenAndRerunSkips) {
    auto ids = make_batch(23);
    CloudServer server(dir.path(), creds);
    auto r = azure({"enroll", "--batch", "B-2026-12", "--iot-hub", "acme-hub.azure-devices.net", "--allocation", "hashed",
                    "--rate", "20/s"},
                   server);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(doc["schema"], "provctl.cloud.azure.enroll/v1");
    EXPECT_EQ(doc["done"], 23);
    auto bulk = server.log_of("RunBulkEnrollmentOperation");
    ASSERT_EQ(bulk.size(), 3u);
    std::multiset<size_t> sizes;
    for (auto& e : bulk) {
        EXPECT_EQ(e["query"]["api-version"], "2021-10-01");
        auto b = json::parse(e["body"].get<std::string>());
        EXPECT_EQ(b["mode"], "create");
        sizes.insert(b["enrollments"].size());
        for (auto& en : b["enrollments"]) {
            EXPECT_EQ(en["attestation"]["type"], "x509");
            EXPECT_EQ(en["iotHubs"], json::array({"acme-hub.azure-devices.net"}));
            EXPECT_EQ(en["allocationPolicy"], "hashed");
        }
    }
    EXPECT_EQ(sizes, (std::multiset<size_t>{3, 10, 10}));
    auto state = server.state();
    for (const auto& id : ids) {
        auto& e = state["enrollments"][id];
        ASSERT_TRUE(e.is_object()) << id;
        EXPECT_EQ(fingerprint_by_openssl(dir.path(), e["certificatePem"]),
                  fingerprint_by_openssl(dir.path(), pem_of(id)));
        EXPECT_EQ(show(id)["cloud"][0]["enrollment_id"], id);
    }
    expect_all_signed(server);
    size_t before = server.log().size();
    auto again = azure({"enroll", "--batch", "B-2026-12"}, server);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(summary(again)["skipped"], 23);
    EXPECT_EQ(server.log().size(), before);
}

TEST_F(Cloud, AzureExistingEnrollmentsAreReconciledByThumbprintAndDisableWorks) {
    auto ids = make_batch(3);
    // ids[1] is enrolled already, with another certificate for the same name.
    ASSERT_EQ(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                       "other.key", "-out", "other.crt", "-subj", "/CN=" + ids[1], "-days", "30"},
                      dir.path())
                  .exit_code,
              0);
    json existing = {{"enrollments",
                      {{{"registrationId", ids[0]}, {"certificate", pem_of(ids[0])}},
                       {{"registrationId", ids[1]}, {"certificate", slurp(dir.file("other.crt"))}}}}};
    CloudServer server(dir.path(), creds, {{"existing", existing}});
    auto r = azure({"enroll", "--device", ids[0], "--device", ids[1], "--device", ids[2]}, server);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    auto doc = summary(r);
    EXPECT_EQ(device_of(doc, ids[0])["status"], "registered");
    EXPECT_FALSE(device_of(doc, ids[0])["etag"].is_null());
    EXPECT_EQ(device_of(doc, ids[1])["status"], "conflict");
    EXPECT_NE(device_of(doc, ids[1])["message"].get<std::string>().find("another certificate"), std::string::npos);
    EXPECT_EQ(device_of(doc, ids[2])["status"], "registered");
    EXPECT_EQ(server.log_of("CreateOrUpdateIndividualEnrollment").size(), 3u);

    auto d = azure({"disable", "--device", ids[2]}, server);
    ASSERT_EQ(d.exit_code, 0) << d.out << d.err;
    EXPECT_EQ(server.state()["enrollments"][ids[2]]["provisioningStatus"], "disabled");
    EXPECT_EQ(show(ids[2])["cloud"][0]["status"], "disabled");
    auto put = server.log_of("CreateOrUpdateIndividualEnrollment").back();
    EXPECT_FALSE(put["headers"]["if-match"].get<std::string>().empty());
    auto none = azure({"disable", "--device", ids[1] + "X"}, server);
    EXPECT_EQ(none.exit_code, 2);
}

TEST_F(Cloud, AwsDeactivateAndTemplatesAndGroups) {
    auto ids = make_batch(1);
    CloudServer server(dir.path(), creds);
    ASSERT_EQ(aws({"register", "--device", ids[0], "--without-ca"}, server).exit_code, 0);
    auto d = aws({"deactivate", "--device", ids[0], "--status", "REVOKED"}, server);
    ASSERT_EQ(d.exit_code, 0) << d.out << d.err;
    std::string fp = show(ids[0])["cloud"][0]["certificate_id"];
    EXPECT_EQ(server.state()["certificates"][fp]["status"], "REVOKED");
    EXPECT_EQ(show(ids[0])["cloud"][0]["status"], "revoked");
    EXPECT_EQ(server.log_of("UpdateCertificate").back()["query"]["newStatus"], "REVOKED");

    spit(dir.file("fleet.json"), R"({"Parameters": {}, "Resources": {"thing": {"Type": "AWS::IoT::Thing"}}})");
    auto t = aws({"provisioning-template", "create", "--name", "factory-fleet", "--template-body", "fleet.json",
                  "--role-arn", "arn:aws:iam::123456789012:role/Provisioning"},
                 server, false);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(summary(t)["template_arn"], "arn:aws:iot:eu-west-1:123456789012:provisioningtemplate/factory-fleet");
    auto again = aws({"provisioning-template", "create", "--name", "factory-fleet", "--template-body", "fleet.json",
                      "--role-arn", "arn:aws:iam::123456789012:role/Provisioning"},
                     server, false);
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;

    auto g = azure({"enroll-group", "--id", "line-1", "--ca-cert", "int.crt"}, server, false);
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_EQ(summary(g)["status"], "created");
    auto g2 = azure({"enroll-group", "--id", "line-1", "--ca-cert", "int.crt"}, server, false);
    ASSERT_EQ(g2.exit_code, 0) << g2.err;
    EXPECT_EQ(summary(g2)["status"], "already-exists");
    auto g3 = azure({"enroll-group", "--id", "line-1", "--ca-cert", "root.crt"}, server, false);
    EXPECT_EQ(g3.exit_code, 1);
}

TEST_F(Cloud, AfterAnRmaTheOldCertificateGoesFirstInAwsAndIsReplacedInDps) {
    auto ids = make_batch(1);
    const std::string id = ids[0];
    CloudServer server(dir.path(), creds);
    ASSERT_EQ(aws({"register", "--device", id, "--without-ca", "--policy", "DevicePolicy"}, server).exit_code, 0);
    ASSERT_EQ(azure({"enroll", "--device", id}, server).exit_code, 0);
    std::string old_id = show(id)["cloud"][0]["certificate_id"];
    replace_certificate(id);
    std::string new_fp = fingerprint_by_openssl(dir.path(), slurp(dir.file("rma.crt")));

    auto refused = aws({"register", "--device", id, "--without-ca", "--policy", "DevicePolicy"}, server);
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_NE(device_of(summary(refused), id)["message"].get<std::string>().find("cloud aws deactivate --device " + id),
              std::string::npos) << refused.out;
    ASSERT_EQ(aws({"deactivate", "--device", id, "--status", "REVOKED"}, server).exit_code, 0);
    auto again = aws({"register", "--device", id, "--without-ca", "--policy", "DevicePolicy"}, server);
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    auto state = server.state();
    EXPECT_EQ(state["certificates"][old_id]["status"], "REVOKED");
    EXPECT_EQ(state["certificates"][new_fp]["status"], "ACTIVE");
    EXPECT_EQ(show(id)["cloud"][0]["certificate_id"], new_fp);
    EXPECT_EQ(state["principals"][id].size(), 2u);
    // A deactivated certificate is not brought back by a later register.
    ASSERT_EQ(aws({"deactivate", "--device", id}, server).exit_code, 0);
    auto after = aws({"register", "--device", id, "--without-ca", "--policy", "DevicePolicy"}, server);
    EXPECT_EQ(after.exit_code, 0);
    EXPECT_EQ(device_of(summary(after), id)["status"], "skipped");
    EXPECT_EQ(server.state()["certificates"][new_fp]["status"], "INACTIVE");

    auto dps = azure({"enroll", "--device", id}, server);
    ASSERT_EQ(dps.exit_code, 0) << dps.out << dps.err;
    EXPECT_EQ(fingerprint_by_openssl(dir.path(), server.state()["enrollments"][id]["certificatePem"]), new_fp);
    EXPECT_FALSE(server.log_of("CreateOrUpdateIndividualEnrollment").back()["headers"]["if-match"].is_null());
}

TEST_F(Cloud, BadArgumentsAreUsageErrors) {
    auto ids = make_batch(1);
    CloudServer server(dir.path(), creds);
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    std::vector<Case> cases = {
        {{"register", "--device", ids[0]}, "--ca-cert FILE is required"},
        {{"register", "--device", ids[0], "--without-ca", "--rate", "fast"}, "--rate 'fast'"},
        {{"register", "--device", "SN-NOPE", "--without-ca"}, "--device 'SN-NOPE': not in the registry"},
        {{"register", "--batch", "NOPE", "--without-ca"}, "--batch 'NOPE'"},
        {{"register", "--device", ids[0], "--without-ca", "--attributes", "bad key=1"}, "--attributes"},
        {{"register", "--device", ids[0], "--without-ca", "--policy", "a/b"}, "--policy 'a/b'"},
        {{"deactivate", "--device", ids[0]}, "no AWS IoT certificate recorded"},
    };
    for (const auto& c : cases) {
        auto r = aws(c.args, server);
        EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
    auto plain = provctl({"cloud", "aws", "register", "--device", ids[0], "--without-ca", "--endpoint-url",
                          "http://iot.example.com", "--registry", reg()},
                         creds.aws_env(), dir.path());
    EXPECT_EQ(plain.exit_code, 2);
    EXPECT_NE(plain.err.find("only for loopback"), std::string::npos) << plain.err;
    auto nocreds = provctl({"cloud", "aws", "register", "--device", ids[0], "--without-ca", "--endpoint-url",
                            server.url(), "--registry", reg()},
                           {{"AWS_SHARED_CREDENTIALS_FILE", dir.file("none")}, {"AWS_CONFIG_FILE", dir.file("none")},
                            {"AWS_REGION", "eu-west-1"}},
                           dir.path());
    EXPECT_EQ(nocreds.exit_code, 2) << nocreds.err;
    auto noconn = provctl({"cloud", "azure", "enroll", "--device", ids[0], "--registry", reg()}, {}, dir.path());
    EXPECT_EQ(noconn.exit_code, 2);
    EXPECT_NE(noconn.err.find("AZURE_DPS_CONNECTION_STRING"), std::string::npos) << noconn.err;
    auto badconn = provctl({"cloud", "azure", "enroll", "--device", ids[0], "--registry", reg()},
                           {{"AZURE_DPS_CONNECTION_STRING", "HostName=x;SharedAccessKey=" + creds.dps_key}}, dir.path());
    EXPECT_EQ(badconn.exit_code, 2);
    EXPECT_NE(badconn.err.find("no SharedAccessKeyName"), std::string::npos) << badconn.err;
    EXPECT_EQ(badconn.err.find(creds.dps_key), std::string::npos);
    EXPECT_TRUE(server.log().empty());
}

TEST_F(Cloud, SasTokenFromTheCommandIsAcceptedByTheServer) {
    CloudServer server(dir.path(), creds);
    auto t = provctl({"cloud", "azure", "sas-token", "--resource", creds.dps_host, "--key", "env:DPS_KEY", "--policy",
                      creds.dps_policy, "--ttl", "10m"},
                     {{"DPS_KEY", creds.dps_key}}, dir.path());
    ASSERT_EQ(t.exit_code, 0) << t.err;
    std::string token = t.out.substr(0, t.out.find('\n'));
    cloud::CurlTransport http;
    cloud::HttpRequest req;
    req.url = server.url() + "/enrollmentGroups/nothing-here?api-version=2021-10-01";
    req.headers = {{"Authorization", token}};
    auto res = http.send(req, nullptr);
    EXPECT_EQ(res.status, 404) << res.body;  // authenticated, and the group is simply absent
    EXPECT_EQ(server.stats()["rejected_auth"], 0);
}

}  // namespace
