// cert verify on a hierarchy made by provctl itself: root, intermediate and
// a device certificate, with CRLs made by `openssl ca`.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"
#include "util/time.hpp"

using namespace testing_support;
using scenario::openssl;
using scenario::pass_env;

namespace {

constexpr const char* device_id = "SN-000123";

class CertVerify : public ::testing::Test {
protected:
    void SetUp() override {
        scenario::make_file_hierarchy(dir.path());
        auto r = provctl({"csr", "create", "--subject", "CN=ignored", "--new-key", "dev.key", "--out", "dev.csr"}, {}, dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", device_id, "--issuer-cert", "int.crt",
                     "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--chain",
                     "root.crt", "--out", "dev.crt", "--chain-out", "dev-chain.pem"},
                    pass_env(), dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    // `provctl --json cert verify --cert dev.crt --untrusted int.crt --trust root.crt EXTRA...`
    RunResult verify(const std::vector<std::string>& extra, bool json = true) {
        std::vector<std::string> args;
        if (json) args.push_back("--json");
        for (const char* a : {"cert", "verify", "--cert", "dev.crt", "--untrusted", "int.crt", "--trust", "root.crt"})
            args.push_back(a);
        args.insert(args.end(), extra.begin(), extra.end());
        return provctl(args, {}, dir.path());
    }

    // A CRL signed by `ca` ("root" or "int") listing `revoked` (certificate files), via `openssl ca`.
    void make_crl(const std::string& ca, const std::vector<std::string>& revoked) {
        spit(dir.file(ca + ".cnf"), "[ca]\ndefault_ca = d\n[d]\ndatabase = " + ca + "-index.txt\ncrlnumber = " + ca +
                                        "-crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n");
        spit(dir.file(ca + "-index.txt"), "");
        spit(dir.file(ca + "-crlnumber"), "01\n");
        std::vector<std::string> sign{"-config", ca + ".cnf", "-keyfile", ca + ".key", "-cert", ca + ".crt",
                                      "-passin", "env:PROVCTL_TEST_PASS"};
        for (const auto& cert : revoked) {
            std::vector<std::string> argv{"openssl", "ca", "-revoke", cert, "-crl_reason", "keyCompromise"};
            argv.insert(argv.end(), sign.begin(), sign.end());
            auto r = run(argv, pass_env(), dir.path());
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
        std::vector<std::string> argv{"openssl", "ca", "-gencrl", "-out", ca + ".crl"};
        argv.insert(argv.end(), sign.begin(), sign.end());
        auto r = run(argv, pass_env(), dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    TempDir dir;
};

nlohmann::json parse(const RunResult& r) {
    try {
        return nlohmann::json::parse(r.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out;
        return nlohmann::json::object();
    }
}

// The document of a verification that said no, with its single stderr line.
void expect_not_valid(const RunResult& r, const nlohmann::json& doc, const std::string& reason, int depth) {
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_EQ(doc["schema"], "provctl.cert.verify/v1");
    EXPECT_EQ(doc["valid"], false);
    EXPECT_EQ(doc["reason"].get<std::string>().rfind(reason, 0), 0u) << doc.dump(2);
    ASSERT_TRUE(doc["error"].is_object()) << doc.dump(2);
    EXPECT_EQ(doc["error"]["depth"], depth) << doc.dump(2);
    EXPECT_TRUE(doc["chain"].is_array());
    EXPECT_EQ(r.err.rfind("provctl: error: not valid: " + reason, 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A value openssl prints as "name=VALUE", without colons.
std::string openssl_field(const std::string& dir, const std::string& cert, const std::vector<std::string>& options) {
    std::vector<std::string> args{"x509", "-in", cert, "-noout"};
    args.insert(args.end(), options.begin(), options.end());
    auto r = openssl(args, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string value = r.out.substr(r.out.find('=') + 1);
    value.erase(std::remove_if(value.begin(), value.end(), [](char c) { return c == ':' || c == '\n'; }), value.end());
    return value;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

TEST_F(CertVerify, ValidDeviceChainAsJson) {
    auto r = verify({"--purpose", "client", "--device-id", device_id});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    auto doc = parse(r);
    EXPECT_EQ(doc["schema"], "provctl.cert.verify/v1");
    EXPECT_EQ(doc["valid"], true);
    EXPECT_TRUE(doc["reason"].is_null());
    EXPECT_TRUE(doc["error"].is_null());
    ASSERT_EQ(doc["chain"].size(), 3u) << doc.dump(2);
    EXPECT_EQ(doc["chain"][0]["subject"], "CN=SN-000123");
    EXPECT_EQ(doc["chain"][1]["subject"], "CN=Test Devices,O=Provctl Tests");
    EXPECT_EQ(doc["chain"][2]["subject"], "CN=Test Root,O=Provctl Tests");
    EXPECT_EQ(doc["chain"][0]["issuer"], "CN=Test Devices,O=Provctl Tests");
    // Serials and fingerprints agree with openssl's reading of the files.
    EXPECT_EQ(doc["chain"][0]["serial"], openssl_field(dir.path(), "dev.crt", {"-serial"}));
    EXPECT_EQ(doc["chain"][0]["sha256"], lower(openssl_field(dir.path(), "dev.crt", {"-fingerprint", "-sha256"})));
    EXPECT_EQ(doc["chain"][2]["sha256"], lower(openssl_field(dir.path(), "root.crt", {"-fingerprint", "-sha256"})));
    const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    for (const auto& e : doc["chain"]) {
        EXPECT_TRUE(std::regex_match(e["not_before"].get<std::string>(), rfc3339)) << e.dump();
        EXPECT_TRUE(std::regex_match(e["not_after"].get<std::string>(), rfc3339)) << e.dump();
    }
    EXPECT_TRUE(std::regex_match(doc["checked_at"].get<std::string>(), rfc3339));
}

TEST_F(CertVerify, HumanOutputNamesLeafAndChain) {
    auto r = verify({}, false);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("OK: CN=SN-000123 (chain of 3)\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("  2  CN=Test Root,O=Provctl Tests\n"), std::string::npos) << r.out;
}

TEST_F(CertVerify, QuietPrintsNothingWhenValid) {
    auto r = provctl({"-q", "cert", "verify", "--cert", "dev.crt", "--untrusted", "int.crt", "--trust", "root.crt"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
}

TEST_F(CertVerify, ChainFileAsCertNeedsNoUntrusted) {
    auto r = provctl({"--json", "cert", "verify", "--cert", "dev-chain.pem", "--trust", "root.crt"}, {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(parse(r)["chain"].size(), 3u);
}

TEST_F(CertVerify, WrongTrustAnchor) {
    std::filesystem::create_directory(dir.file("other"));
    scenario::make_file_hierarchy(dir.file("other"));
    auto r = provctl({"--json", "cert", "verify", "--cert", "dev.crt", "--untrusted", "int.crt", "--trust", "other/root.crt"},
                     {}, dir.path());
    auto doc = parse(r);
    // The intermediate's issuer is nowhere to be found among the anchors.
    expect_not_valid(r, doc, "unable to get local issuer certificate", 1);
    EXPECT_EQ(doc["error"]["subject"], "CN=Test Devices,O=Provctl Tests");
    EXPECT_EQ(doc["chain"].size(), 2u) << doc.dump(2);
}

TEST_F(CertVerify, ExpiredAtALaterTime) {
    // After the leaf's 365 days, within the intermediate's five years.
    std::string later = util::format_rfc3339(static_cast<int64_t>(std::time(nullptr)) + 800LL * 86400);
    auto r = verify({"--at", later});
    auto doc = parse(r);
    expect_not_valid(r, doc, "certificate has expired", 0);
    EXPECT_EQ(doc["error"]["subject"], "CN=SN-000123");
    EXPECT_EQ(doc["checked_at"], later);
}

TEST_F(CertVerify, NotYetValidAtAnEarlierTime) {
    auto r = verify({"--at", "2001-01-01"});
    expect_not_valid(r, parse(r), "certificate is not yet valid", 2);
}

TEST_F(CertVerify, ServerPurposeOnClientCertificate) {
    auto r = verify({"--purpose", "server"});
    expect_not_valid(r, parse(r), "unsuitable certificate purpose", 0);
}

TEST_F(CertVerify, DeviceIdMismatch) {
    auto r = verify({"--device-id", "SN-000124"});
    auto doc = parse(r);
    expect_not_valid(r, doc, "device ID mismatch", 0);
    EXPECT_EQ(doc["error"]["subject"], "CN=SN-000123");
    EXPECT_EQ(doc["chain"].size(), 3u);
}

TEST_F(CertVerify, DnsNameIsNotTakenFromTheCn) {
    // The device certificate has no DNS SAN; its CN must not stand in for one.
    auto r = verify({"--name", device_id});
    expect_not_valid(r, parse(r), "hostname mismatch", 0);
}

TEST_F(CertVerify, ServerCertificateWithName) {
    auto r = provctl({"csr", "create", "--subject", "CN=api", "--new-key", "web.key", "--out", "web.csr"}, {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl({"cert", "sign-csr", "--csr", "web.csr", "--profile", "server", "--dns", "api.acme.example", "--issuer-cert",
                 "int.crt", "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "web.crt"},
                pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> base{"cert", "verify", "--cert", "web.crt", "--untrusted", "int.crt", "--trust", "root.crt",
                                  "--purpose", "server", "--name"};
    auto with_name = [&](const std::string& name) {
        auto args = base;
        args.push_back(name);
        return provctl(args, {}, dir.path());
    };
    EXPECT_EQ(with_name("api.acme.example").exit_code, 0);
    EXPECT_EQ(with_name("www.acme.example").exit_code, 3);
}

TEST_F(CertVerify, RevokedLeafByCrl) {
    make_crl("int", {"dev.crt"});
    make_crl("root", {});
    auto r = verify({"--crl", "int.crl", "--crl", "root.crl"});
    auto doc = parse(r);
    expect_not_valid(r, doc, "certificate revoked", 0);
    EXPECT_EQ(doc["error"]["subject"], "CN=SN-000123");
}

TEST_F(CertVerify, CrlsThatRevokeNothing) {
    make_crl("int", {});
    make_crl("root", {});
    auto r = verify({"--crl", "int.crl", "root.crl"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CertVerify, WithCrlsEveryLevelNeedsOne) {
    make_crl("int", {});
    auto r = verify({"--crl", "int.crl"});
    // The intermediate's status would come from the root's CRL, which is missing.
    expect_not_valid(r, parse(r), "unable to get certificate CRL", 1);
}

TEST_F(CertVerify, CorruptCertFileIsBadInput) {
    spit(dir.file("broken.crt"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    auto r = provctl({"cert", "verify", "--cert", "broken.crt", "--trust", "root.crt"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("provctl: error: broken.crt: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(CertVerify, MissingFileIsBadInput) {
    auto r = verify({"--crl", "nowhere.crl"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("nowhere.crl"), std::string::npos) << r.err;
}

TEST_F(CertVerify, UsageErrors) {
    EXPECT_EQ(provctl({"cert", "verify", "--cert", "dev.crt"}, {}, dir.path()).exit_code, 2);  // no --trust
    EXPECT_EQ(verify({"--purpose", "email"}).exit_code, 2);
    EXPECT_EQ(verify({"--at", "next week"}).exit_code, 2);
    auto r = verify({"--policy", "anyPolicy"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--policy"), std::string::npos) << r.err;
    // A device ID that could never be issued is a typo (2), not a mismatch (3).
    r = verify({"--device-id", "SN 000123"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--device-id 'SN 000123': position 3: a space is not a letter"), std::string::npos) << r.err;
}
