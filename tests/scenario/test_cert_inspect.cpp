// provctl cert inspect on a hierarchy made by the real binary, checked
// against `openssl x509` and `openssl req`.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

using namespace testing_support;
using scenario::openssl;

namespace {

// The value after "key=" in openssl's -noout output.
std::string field(const std::string& out, const std::string& key) {
    auto pos = out.find(key + "=");
    if (pos == std::string::npos) return {};
    auto end = out.find('\n', pos);
    return out.substr(pos + key.size() + 1, end - pos - key.size() - 1);
}

std::string fingerprint(const std::string& openssl_text) {
    std::string s = openssl_text;
    s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// "2031-11-21T01:23:15Z" as openssl prints it: "Nov 21 01:23:15 2031 GMT".
std::string openssl_date(const std::string& rfc3339) {
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int month = std::stoi(rfc3339.substr(5, 2));
    int day = std::stoi(rfc3339.substr(8, 2));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %2d %s %s GMT", months[month - 1], day, rfc3339.substr(11, 8).c_str(),
                  rfc3339.substr(0, 4).c_str());
    return buf;
}

nlohmann::json inspect_json(const std::vector<std::string>& files, const std::string& cwd) {
    std::vector<std::string> args{"--json", "cert", "inspect"};
    args.insert(args.end(), files.begin(), files.end());
    auto r = provctl(args, {}, cwd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

class CertInspectScenario : public ::testing::Test {
protected:
    void SetUp() override { scenario::make_file_hierarchy(dir.path()); }
    TempDir dir;
};

}  // namespace

TEST_F(CertInspectScenario, FieldsMatchOpenssl) {
    auto doc = inspect_json({"root.crt", "int.crt"}, dir.path());
    EXPECT_EQ(doc["schema"], "provctl.cert.inspect/v1");
    ASSERT_EQ(doc["items"].size(), 2u);
    for (const auto& item : doc["items"]) {
        std::string file = item["file"];
        auto x = openssl({"x509", "-in", file, "-noout", "-fingerprint", "-sha256", "-serial", "-startdate", "-enddate",
                          "-subject", "-nameopt", "RFC2253"},
                         dir.path());
        ASSERT_EQ(x.exit_code, 0) << x.err;
        auto sha1 = openssl({"x509", "-in", file, "-noout", "-fingerprint", "-sha1"}, dir.path());
        EXPECT_EQ(item["kind"], "certificate");
        EXPECT_EQ(item["index"], 0);
        EXPECT_EQ(item["sha256"], fingerprint(field(x.out, "sha256 Fingerprint"))) << file;
        EXPECT_EQ(item["sha1"], fingerprint(field(sha1.out, "sha1 Fingerprint"))) << file;
        EXPECT_EQ(item["serial"], field(x.out, "serial")) << file;
        EXPECT_EQ(openssl_date(item["not_after"]), field(x.out, "notAfter")) << file;
        EXPECT_EQ(openssl_date(item["not_before"]), field(x.out, "notBefore")) << file;
        EXPECT_EQ(item["subject"], field(x.out, "subject")) << file;
        EXPECT_TRUE(item["is_ca"]);
        EXPECT_TRUE(item["problems"].empty()) << item["problems"];
    }
    const auto& root = doc["items"][0];
    const auto& inter = doc["items"][1];
    EXPECT_TRUE(root["self_signed"]);
    EXPECT_FALSE(inter["self_signed"]);
    EXPECT_TRUE(root["path_len"].is_null());
    EXPECT_EQ(inter["path_len"], 0);
    EXPECT_EQ(inter["authority_key_id"], root["subject_key_id"]);
    EXPECT_EQ(inter["issuer"], root["subject"]);
    EXPECT_EQ(root["key"], (nlohmann::json{{"type", "EC"}, {"bits", 256}, {"curve", "P-256"}}));
    EXPECT_EQ(root["key_usage"], (nlohmann::json{"keyCertSign", "cRLSign"}));
}

TEST_F(CertInspectScenario, ChainFilesDerAndRequests) {
    auto r = provctl({"csr", "create", "--subject", "CN=SN-7", "--new-key", "dev.key", "--out", "dev.csr"}, {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-7", "--issuer-cert", "int.crt", "--issuer-key",
                 "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--chain", "root.crt", "--out",
                 "dev.crt", "--chain-out", "chain.pem"},
                scenario::pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(openssl({"x509", "-in", "dev.crt", "-outform", "DER", "-out", "dev.der"}, dir.path()).exit_code, 0);
    ASSERT_EQ(openssl({"req", "-in", "dev.csr", "-outform", "DER", "-out", "dev.csr.der"}, dir.path()).exit_code, 0);

    auto doc = inspect_json({"chain.pem", "dev.der", "dev.csr", "dev.csr.der"}, dir.path());
    const auto& items = doc["items"];
    ASSERT_EQ(items.size(), 6u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(items[i]["file"], "chain.pem");
        EXPECT_EQ(items[i]["index"], i);
    }
    EXPECT_EQ(items[0]["subject"], "CN=SN-7");
    EXPECT_EQ(items[0]["san"], (nlohmann::json{{{"type", "uri"}, {"value", "urn:dev:serial:SN-7"}}}));
    EXPECT_EQ(items[0]["extended_key_usage"], nlohmann::json{"clientAuth"});
    EXPECT_EQ(items[2]["self_signed"], true);
    EXPECT_EQ(items[3]["file"], "dev.der");
    EXPECT_EQ(items[3]["sha256"], items[0]["sha256"]);
    for (size_t i = 4; i < 6; ++i) {
        EXPECT_EQ(items[i]["kind"], "csr");
        EXPECT_EQ(items[i]["subject"], "CN=SN-7");
        EXPECT_EQ(items[i]["signature_valid"], true);
        EXPECT_FALSE(items[i].contains("not_after"));
    }
    auto req = openssl({"req", "-in", "dev.csr", "-noout", "-verify"}, dir.path());
    EXPECT_EQ(req.exit_code, 0) << req.err;
}

TEST_F(CertInspectScenario, HumanOutputWithoutColourWhenNotATerminal) {
    auto r = provctl({"cert", "inspect", "int.crt", "--at", "2000-01-01"}, {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("int.crt [0] certificate\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\n  subject             CN=Test Devices,O=Provctl Tests\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(not yet valid)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n  CA                  yes, path length 0\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('\033'), std::string::npos);
    EXPECT_EQ(r.err, "");

    r = provctl({"cert", "inspect", "int.crt", "--at", "2100-01-01"}, {}, dir.path());
    EXPECT_NE(r.out.find("(expired)"), std::string::npos) << r.out;
}

TEST_F(CertInspectScenario, UnreadableFilesExitTwoAndPrintNothing) {
    spit(dir.file("notes.txt"), "hello\n");
    auto r = provctl({"cert", "inspect", "root.crt", "notes.txt", "missing.pem"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("provctl: error: notes.txt: no certificate or certificate signing request found", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("also unreadable: missing.pem"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

    r = provctl({"cert", "inspect"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = provctl({"cert", "inspect", "root.crt", "--at", "soon"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
}

TEST_F(CertInspectScenario, ZlintOddCertificatesThroughTheBinary) {
    std::string base = shared_testdata() + "/certs-zlint/";
    if (!exists(base)) GTEST_SKIP() << base << " is not present";
    // Odd names, IP name constraints, undecodable extensions and keys.
    auto doc = inspect_json({base + "NCValidIPNet.pem", base + "SANValidIP.pem", base + "basic_constr_invalid_der_ko.pem"},
                            dir.path());
    ASSERT_EQ(doc["items"].size(), 3u);
    EXPECT_EQ(doc["items"][0]["subject"], "");
    EXPECT_EQ(doc["items"][0]["name_constraints"]["permitted"][0]["value"], "166.0.0.0/255.255.255.0");
    EXPECT_EQ(doc["items"][1]["san"][0], (nlohmann::json{{"type", "ip"}, {"value", "128.168.45.1"}}));
    auto r = provctl({"cert", "inspect", base + "subCertLocalityNameDoesNotNeedToAppear.pem"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("subCertLocalityNameDoesNotNeedToAppear.pem: PEM block 0"), std::string::npos) << r.err;
}

TEST(CompletionScenario, BinaryPrintsTheCommittedScripts) {
    const std::pair<const char*, const char*> scripts[] = {
        {"bash", "completions/provctl.bash"}, {"zsh", "completions/_provctl"}, {"fish", "completions/provctl.fish"}};
    for (const auto& [shell, file] : scripts) {
        auto r = provctl({"completion", shell});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(r.out == slurp(source_dir() + "/" + file))
            << file << " differs from `provctl completion " << shell << "`; regenerate it with:\n  build/provctl completion "
            << shell << " > " << file;
    }
    auto r = provctl({"completion", "powershell"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown shell 'powershell'"), std::string::npos) << r.err;
    r = provctl({"--json", "completion", "bash"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["schema"], "provctl.completion/v1");
}
