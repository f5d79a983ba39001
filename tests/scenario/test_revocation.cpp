// Revocation and CRLs through the real binary: a device certificate made by
// provctl is put in the registry, revoked with `ca revoke`, listed in a CRL
// from `ca crl`, and then refused by `cert verify --crl`. openssl checks the
// CRLs independently. Runs on SQLite and (with PROVCTL_TEST_PG_URL) PostgreSQL.
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "registry/registry.hpp"
#include "scenario/scenario.hpp"
#include "support/registry_backends.hpp"
#include "util/ossl.hpp"
#include "util/time.hpp"

using namespace testing_support;
using nlohmann::json;
using scenario::openssl;
using scenario::pass_env;

namespace {

constexpr const char* kDevice = "SN-000123";

class Revocation : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        backend = GetParam() == "sqlite" ? make_sqlite_backend() : make_postgres_backend();
        if (!backend) GTEST_SKIP() << pg_skip_message();
        scenario::make_file_hierarchy(dir.path());
        if (HasFatalFailure()) return;
        auto r = provctl({"csr", "create", "--subject", "CN=ignored", "--new-key", "dev.key", "--out", "dev.csr"}, {},
                         dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", kDevice, "--issuer-cert", "int.crt",
                     "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "dev.crt"},
                    pass_env(), dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        seed(kDevice, "dev.crt");
    }

    // The device and its certificate, as the batch engine will register them.
    void seed(const std::string& device_id, const std::string& cert_file, const std::string& issuer_text = {}) {
        auto cert = pki::read_certificate(dir.file(cert_file));
        util::SystemClock clock;
        auto r = registry::open_registry(backend->url(), clock);
        registry::Transaction tx(*r);
        registry::Actor actor{"alice", "line-1"};
        if (!r->find_device(device_id))
            r->add_device({device_id, "HW-" + device_id, "W-1", "C", "B1", "spec-1", registry::State::manufactured},
                          actor);
        r->add_certificate({device_id,
                            issuer_text.empty() ? pki::format_name(X509_get_issuer_name(cert.get())) : issuer_text,
                            util::serial_hex(X509_get0_serialNumber(cert.get())), util::cert_sha256_hex(cert.get()),
                            *util::asn1_time_to_unix(X509_get0_notBefore(cert.get())),
                            *util::asn1_time_to_unix(X509_get0_notAfter(cert.get())), pki::cert_pem(cert.get())},
                           actor);
        tx.commit();
    }

    std::string serial_of(const std::string& cert_file) {
        return util::serial_hex(X509_get0_serialNumber(pki::read_certificate(dir.file(cert_file)).get()));
    }

    RunResult run(std::vector<std::string> args) {
        args.push_back("--registry");
        args.push_back(backend->url());
        return provctl(args, pass_env(), dir.path());
    }

    // `provctl --json ca crl` for "root" or "int".
    RunResult crl(const std::string& ca, const std::string& out, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--json",        "ca",          "crl", "--issuer-cert", ca + ".crt", "--issuer-key",
                                      "file:" + ca + ".key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS",
                                      "--out",         out};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    }

    RunResult verify(const std::vector<std::string>& crls) {
        std::vector<std::string> args{"--json", "cert",    "verify",   "--cert", "dev.crt", "--untrusted",
                                      "int.crt", "--trust", "root.crt", "--purpose", "client"};
        for (const auto& c : crls) {
            args.push_back("--crl");
            args.push_back(c);
        }
        return provctl(args, {}, dir.path());
    }

    static void expect_one_line_error(const RunResult& r, const std::string& text) {
        EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
        EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }

    std::unique_ptr<RegistryBackend> backend;
    TempDir dir;
};

TEST_P(Revocation, RevokedDeviceCertificateFailsVerificationWithTheNewCrl) {
    auto r = crl("root", "root.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = crl("int", "int.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.ca.crl/v1");
    EXPECT_EQ(j["crl_number"], 1);
    EXPECT_EQ(j["revoked"], 0);
    EXPECT_EQ(j["issuer"], "CN=Test Devices,O=Provctl Tests");
    EXPECT_EQ(j["path"], "int.crl");
    auto this_update = util::parse_time(j["this_update"].get<std::string>());
    auto next_update = util::parse_time(j["next_update"].get<std::string>());
    ASSERT_TRUE(this_update && next_update);
    EXPECT_EQ(*next_update - *this_update, 7 * 86400);  // the default

    r = verify({"root.crl", "int.crl"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

    r = run({"--json", "ca", "revoke", "--device", kDevice, "--reason", "keyCompromise", "--operator", "bob"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.ca.revoke/v1");
    EXPECT_EQ(j["certificate"]["device_id"], kDevice);
    EXPECT_EQ(j["certificate"]["serial"], serial_of("dev.crt"));
    EXPECT_EQ(j["certificate"]["status"], "revoked");
    EXPECT_EQ(j["certificate"]["revocation_reason"], "keyCompromise");
    EXPECT_TRUE(j["certificate"]["revoked_at"].is_string());
    EXPECT_EQ(j["certificate"].count("pem"), 0u);
    // The audit log names who revoked it, and the chain still holds.
    r = run({"--json", "registry", "audit", "--device", kDevice, "--verify"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j["entries"].back()["action"], "revoke");
    EXPECT_EQ(j["entries"].back()["operator"], "bob");
    EXPECT_EQ(j["entries"].back()["detail"], "keyCompromise");

    r = crl("int", "int2.crl", {"--next-update", "12h"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j["crl_number"], 2);
    EXPECT_EQ(j["revoked"], 1);
    EXPECT_EQ(*util::parse_time(j["next_update"].get<std::string>()) -
                  *util::parse_time(j["this_update"].get<std::string>()),
              12 * 3600);

    r = verify({"root.crl", "int2.crl"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j["valid"], false);
    EXPECT_NE(j["reason"].get<std::string>().find("revoked"), std::string::npos) << j.dump();
    EXPECT_EQ(j["error"]["depth"], 0);
    // The old CRL still says yes: it predates the revocation.
    EXPECT_EQ(verify({"root.crl", "int.crl"}).exit_code, 0);

    // openssl, independently: signature, number, AKID, the entry and its reason.
    r = openssl({"crl", "-in", "int2.crl", "-CAfile", "int.crt", "-noout", "-verify"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE((r.out + r.err).find("verify OK"), std::string::npos) << r.out << r.err;
    r = openssl({"crl", "-in", "int2.crl", "-noout", "-text"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Version 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("X509v3 CRL Number: \n                2\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("X509v3 Authority Key Identifier"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Serial Number: " + serial_of("dev.crt")), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Key Compromise"), std::string::npos) << r.out;
    r = openssl({"crl", "-in", "root.crl", "-CAfile", "root.crt", "-noout", "-verify"}, dir.path());
    EXPECT_NE((r.out + r.err).find("verify OK"), std::string::npos) << r.out << r.err;
    // The AKID is the issuer's SKI.
    r = openssl({"x509", "-in", "int.crt", "-noout", "-ext", "subjectKeyIdentifier"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string ski = r.out.substr(r.out.find('\n') + 1);
    ski.erase(0, ski.find_first_not_of(' '));
    ski = ski.substr(0, ski.find('\n'));
    ASSERT_FALSE(ski.empty());
    EXPECT_NE(openssl({"crl", "-in", "int2.crl", "-noout", "-text"}, dir.path()).out.find(ski), std::string::npos)
        << ski;
}

TEST_P(Revocation, ConsecutiveCrlsHaveIncreasingNumbersAndOutputsAreProtected) {
    auto r = crl("int", "a.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["crl_number"], 1);
    r = crl("int", "b.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["crl_number"], 2);
    // Numbers are per issuer.
    r = crl("root", "root.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["crl_number"], 1);
    // An existing file is refused, and that costs no number.
    r = crl("int", "b.crl");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = crl("int", "b.crl", {"--force"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["crl_number"], 3);
    r = openssl({"crl", "-in", "b.crl", "-noout", "-crlnumber"}, dir.path());
    EXPECT_NE(r.out.find("crlNumber=0x03"), std::string::npos) << r.out;
    EXPECT_EQ(file_mode(dir.file("b.crl")), 0644u);
    // Each number has its audit entry.
    r = run({"--json", "registry", "audit"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    size_t crl_entries = 0;
    auto audit = json::parse(r.out);
    for (const auto& e : audit["entries"])
        if (e["action"] == "crl") ++crl_entries;
    EXPECT_EQ(crl_entries, 4u) << r.out;
    // Human output names the number.
    r = run({"ca", "crl", "--issuer-cert", "int.crt", "--issuer-key", "file:int.key", "--issuer-passphrase",
             "env:PROVCTL_TEST_PASS", "--out", "c.crl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("number       4"), std::string::npos) << r.out;
}

TEST_P(Revocation, RevokeBySerialNormalisesAndNeedsTheIssuerWhenAmbiguous) {
    std::string serial = serial_of("dev.crt");
    // The same serial from another issuer (a certificate of another CA).
    auto r = provctl({"ca", "init-root", "--subject", "CN=Other Root", "--key", "file:other.key", "--passphrase",
                      "env:PROVCTL_TEST_PASS", "--days", "30", "--out", "other.crt"},
                     pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    {
        std::string pem = "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n";
        util::SystemClock clock;
        auto reg = registry::open_registry(backend->url(), clock);
        registry::Transaction tx(*reg);
        registry::Actor actor{"alice", "line-1"};
        reg->add_device({"SN-9", "HW-9", "W-1", "C", "B1", "spec-1", registry::State::manufactured}, actor);
        reg->add_certificate({"SN-9", "CN=Other Root", serial, util::sha256_hex(pem), 0, 1, pem}, actor);
        tx.commit();
    }
    // Lowercase with colons, as some tools print it.
    std::string typed;
    for (size_t i = 0; i < serial.size(); i += 2) typed += (i ? ":" : "") + serial.substr(i, 2);
    std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return std::tolower(c); });
    r = run({"ca", "revoke", "--serial", typed, "--reason", "superseded"});
    expect_one_line_error(r, "--issuer-cert");
    EXPECT_NE(r.err.find("2 issuers"), std::string::npos) << r.err;
    r = run({"--json", "ca", "revoke", "--serial", typed, "--issuer-cert", "int.crt", "--reason", "superseded"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["certificate"]["serial"], serial);
    EXPECT_EQ(j["certificate"]["device_id"], kDevice);
    EXPECT_EQ(j["certificate"]["issuer"], "CN=Test Devices,O=Provctl Tests");
    // The other issuer's certificate is untouched; its CRL stays empty.
    r = crl("other", "other.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["revoked"], 0);
    r = crl("int", "int.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["revoked"], 1);
    r = openssl({"crl", "-in", "int.crl", "-noout", "-text"}, dir.path());
    EXPECT_NE(r.out.find("Superseded"), std::string::npos) << r.out;
    // Revoking it again, by device or by serial, says it already is.
    expect_one_line_error(run({"ca", "revoke", "--device", kDevice, "--reason", "keyCompromise"}), "already revoked");
    expect_one_line_error(
        run({"ca", "revoke", "--serial", serial, "--issuer-cert", "int.crt", "--reason", "keyCompromise"}),
        "already revoked");
}

TEST_P(Revocation, AnIssuerStoredInAnotherSpellingIsStillListed) {
    // A second device whose issuer text has spaces after the commas.
    auto r = provctl({"csr", "create", "--subject", "CN=ignored", "--new-key", "dev2.key", "--out", "dev2.csr"}, {},
                     dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl({"cert", "sign-csr", "--csr", "dev2.csr", "--device-id", "SN-000124", "--issuer-cert", "int.crt",
                 "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "dev2.crt"},
                pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    seed("SN-000124", "dev2.crt", "CN=Test Devices, O=Provctl Tests");
    ASSERT_EQ(run({"ca", "revoke", "--device", "SN-000124", "--reason", "cessationOfOperation"}).exit_code, 0);
    ASSERT_EQ(run({"ca", "revoke", "--device", kDevice, "--reason", "unspecified"}).exit_code, 0);
    r = crl("int", "int.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["revoked"], 2);
    r = openssl({"crl", "-in", "int.crl", "-noout", "-text"}, dir.path());
    EXPECT_NE(r.out.find("Serial Number: " + serial_of("dev2.crt")), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Cessation Of Operation"), std::string::npos) << r.out;
    // unspecified: listed without a reason code.
    EXPECT_NE(r.out.find("Serial Number: " + serial_of("dev.crt")), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Unspecified"), std::string::npos) << r.out;
}

TEST_P(Revocation, BadInputIsExitTwoWithOneLineNamingIt) {
    auto r = run({"ca", "revoke", "--device", kDevice, "--reason", "stolen"});
    expect_one_line_error(r, "'stolen' is not a revocation reason");
    EXPECT_NE(r.err.find("unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, "
                         "cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise"),
              std::string::npos)
        << r.err;
    expect_one_line_error(run({"ca", "revoke", "--device", kDevice, "--reason", "removeFromCRL"}), "removeFromCRL");
    expect_one_line_error(run({"ca", "revoke", "--serial", "0BADC0DE", "--reason", "keyCompromise"}),
                          "no certificate with serial 0BADC0DE");
    expect_one_line_error(run({"ca", "revoke", "--serial", "xyz", "--reason", "keyCompromise"}), "--serial: 'xyz'");
    expect_one_line_error(run({"ca", "revoke", "--device", "SN-404", "--reason", "keyCompromise"}), "no device SN-404");
    expect_one_line_error(run({"ca", "revoke", "--device", "SN 1", "--reason", "keyCompromise"}), "--device 'SN 1'");
    EXPECT_EQ(run({"ca", "revoke", "--reason", "keyCompromise"}).exit_code, 2);
    EXPECT_EQ(run({"ca", "revoke", "--device", kDevice, "--serial", "0A", "--reason", "keyCompromise"}).exit_code, 2);

    // Wrong issuer key: nothing signed, nothing written, no number used.
    r = run({"ca", "crl", "--issuer-cert", "int.crt", "--issuer-key", "file:root.key", "--issuer-passphrase",
             "env:PROVCTL_TEST_PASS", "--out", "int.crl"});
    expect_one_line_error(r, "the issuer key does not match the issuer certificate");
    EXPECT_FALSE(exists(dir.file("int.crl")));
    expect_one_line_error(crl("int", "int.crl", {"--next-update", "soon"}), "--next-update: 'soon'");
    expect_one_line_error(crl("int", "int.crl", {"--next-update", "0d"}), "--next-update: '0d'");
    EXPECT_FALSE(exists(dir.file("int.crl")));
    r = crl("int", "int.crl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["crl_number"], 1);
    // Nothing above changed the registry but the one CRL number.
    r = run({"--json", "registry", "audit", "--verify"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["entries"].size(), 3u);  // register, issue, crl

    // A device without any certificate has nothing to revoke.
    {
        util::SystemClock clock;
        auto reg = registry::open_registry(backend->url(), clock);
        registry::Transaction tx(*reg);
        reg->add_device({"SN-7", "HW-7", "W-1", "C", "B1", "spec-1", registry::State::manufactured}, {"alice", "line-1"});
        tx.commit();
    }
    expect_one_line_error(run({"ca", "revoke", "--device", "SN-7", "--reason", "superseded"}),
                          "device SN-7 has no active certificate to revoke");
}

INSTANTIATE_TEST_SUITE_P(Engines, Revocation, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
