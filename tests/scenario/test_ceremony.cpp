// CA ceremonies from the shipped example files, run by the real binary and
// checked with openssl and with `ca ceremony verify`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

using namespace testing_support;
using scenario::openssl;

namespace {

const std::string kRootPass = "root-ceremony-passphrase-5b1e";
const std::string kIntPass = "widgets-ceremony-passphrase-77c2";

class Ceremony : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : {"ceremony-root.yaml", "ceremony-intermediate.yaml"})
            spit(dir.file(name), slurp(source_dir() + "/examples/" + name));
    }
    RunResult provctl_in_dir(const std::vector<std::string>& args) {
        auto r = provctl(args, {{"ROOT_PASS", kRootPass}, {"INT_PASS", kIntPass}}, dir.path());
        seen += r.out + r.err;
        return r;
    }
    void run_both() {
        auto r = provctl_in_dir({"ca", "ceremony", "run", "ceremony-root.yaml", "--yes"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        r = provctl_in_dir({"ca", "ceremony", "run", "ceremony-intermediate.yaml", "--yes"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult verify(const std::string& transcript, bool json = false) {
        std::vector<std::string> args{"ca", "ceremony", "verify", transcript};
        if (json) args.insert(args.begin(), "--json");
        return provctl_in_dir(args);
    }
    // Replaces the byte at `pos` with another character of the same class, so
    // the file still parses where it can: the check has to catch the change itself.
    void change_byte(const std::string& name, size_t pos) {
        std::string data = slurp(dir.file(name));
        ASSERT_LT(pos, data.size());
        data[pos] = data[pos] == 'A' ? 'B' : (data[pos] == '1' ? '2' : 'A');
        spit(dir.file(name), data);
    }
    TempDir dir;
    std::string seen;  // every stdout and stderr, to look for secrets
};

}  // namespace

TEST_F(Ceremony, ExamplesRunAndTheirCertificatesVerifyWithOpenssl) {
    run_both();
    auto r = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "root.crt", "widgets.crt"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(slurp(dir.file("widgets-chain.pem")), slurp(dir.file("widgets.crt")) + slurp(dir.file("root.crt")));
    EXPECT_EQ(file_mode(dir.file("root.key")), 0600u);
    EXPECT_EQ(file_mode(dir.file("widgets.key")), 0600u);

    auto root = openssl({"x509", "-in", "root.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(root.find("CA:TRUE, pathlen:1"), std::string::npos) << root;
    EXPECT_NE(root.find("ecdsa-with-SHA384"), std::string::npos) << root;
    auto inter = openssl({"x509", "-in", "widgets.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(inter.find("CA:TRUE, pathlen:0"), std::string::npos) << inter;
    EXPECT_NE(inter.find("TLS Web Client Authentication"), std::string::npos) << inter;
    EXPECT_NE(inter.find("DNS:devices.acme.example"), std::string::npos) << inter;

    for (const char* t : {"root-ceremony.jsonl", "widgets-ceremony.jsonl"}) {
        r = verify(t);
        EXPECT_EQ(r.exit_code, 0) << t << r.out << r.err;
        EXPECT_NE(r.out.find("intact"), std::string::npos) << r.out;
    }
    r = verify("widgets-ceremony.jsonl", true);
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["schema"], "provctl.ca.ceremony.verify/v1");
    EXPECT_EQ(doc["valid"], true);
    EXPECT_EQ(doc["entries"], 5);
    EXPECT_EQ(doc["status"], "complete");
    EXPECT_EQ(doc["checked"], nlohmann::json({"widgets-chain.pem", "widgets.crt", "widgets.key"}));
    EXPECT_EQ(doc["problems"], nlohmann::json::array());

    // Neither passphrase appears in a transcript or in anything printed.
    std::string transcripts = slurp(dir.file("root-ceremony.jsonl")) + slurp(dir.file("widgets-ceremony.jsonl"));
    for (const auto& pass : {kRootPass, kIntPass}) {
        EXPECT_EQ(transcripts.find(pass), std::string::npos);
        EXPECT_EQ(seen.find(pass), std::string::npos);
    }
}

TEST_F(Ceremony, RunPrintsJsonWithStepsAndTheTranscript) {
    auto r = provctl_in_dir({"--json", "ca", "ceremony", "run", "ceremony-root.yaml", "--yes"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["schema"], "provctl.ca.ceremony.run/v1");
    EXPECT_EQ(doc["ceremony"], "acme-root-2026");
    EXPECT_EQ(doc["type"], "root");
    EXPECT_EQ(doc["certificate"]["subject"], "CN=Acme Root CA 2026,O=Acme");
    EXPECT_EQ(doc["transcript"], "root-ceremony.jsonl");
    ASSERT_EQ(doc["steps"].size(), 4u);
    EXPECT_EQ(doc["steps"][1]["step"], "generate-key");
    // Steps are shown on stderr as they happen.
    EXPECT_NE(r.err.find("step generate-key"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("step sign"), std::string::npos) << r.err;
}

TEST_F(Ceremony, AChangedOutputCertificateFailsVerifyNamingTheFile) {
    run_both();
    std::string pem = slurp(dir.file("widgets.crt"));
    change_byte("widgets.crt", pem.size() / 2);  // inside the base64 body
    auto r = verify("widgets-ceremony.jsonl");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("problem     widgets.crt: "), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("widgets.crt"), std::string::npos) << r.err;

    r = verify("widgets-ceremony.jsonl", true);
    EXPECT_EQ(r.exit_code, 3);
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["valid"], false);
    ASSERT_EQ(doc["problems"].size(), 1u) << r.out;
    EXPECT_EQ(doc["problems"][0]["path"], "widgets.crt");
}

TEST_F(Ceremony, AChangedTranscriptByteFailsVerify) {
    run_both();
    std::string text = slurp(dir.file("root-ceremony.jsonl"));
    size_t second_line = text.find('\n') + 1;
    size_t time = text.find("\"time\":\"", second_line) + 9;  // a digit of the year
    change_byte("root-ceremony.jsonl", time);
    auto r = verify("root-ceremony.jsonl");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("root-ceremony.jsonl:2: entry_sha256 does not match"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("root-ceremony.jsonl:3: prev does not match the SHA-256 of line 2"), std::string::npos) << r.out;
}

TEST_F(Ceremony, ADeletedTranscriptLineFailsVerify) {
    run_both();
    std::string text = slurp(dir.file("widgets-ceremony.jsonl"));
    size_t second_line = text.find('\n') + 1;
    size_t third_line = text.find('\n', second_line) + 1;
    spit(dir.file("widgets-ceremony.jsonl"), text.substr(0, second_line) + text.substr(third_line));
    auto r = verify("widgets-ceremony.jsonl");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("widgets-ceremony.jsonl:2: seq is 3 where 2 was expected"), std::string::npos) << r.out;

    // The last line too, though no later line names it.
    text = slurp(dir.file("root-ceremony.jsonl"));
    text.pop_back();
    spit(dir.file("root-ceremony.jsonl"), text.substr(0, text.rfind('\n') + 1));
    r = verify("root-ceremony.jsonl");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("without a 'complete' or 'aborted' entry"), std::string::npos) << r.out;
}

TEST_F(Ceremony, AnUnknownKeyIsRefusedWithFileAndLineAndNothingWritten) {
    std::string yaml = slurp(dir.file("ceremony-root.yaml"));
    size_t at = yaml.find("\nsubject:") + 1;
    int line = static_cast<int>(std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n')) + 1;
    yaml.replace(at, 8, "subjcet:");
    yaml.replace(yaml.find("type: ec-p384"), 13, "type: ec-p385");
    spit(dir.file("ceremony-root.yaml"), yaml);
    auto before = list_dir(dir.path());
    auto r = provctl_in_dir({"ca", "ceremony", "run", "ceremony-root.yaml", "--yes"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("provctl: error: ceremony-root.yaml: 3 problems in the ceremony file\n", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("\nceremony-root.yaml:" + std::to_string(line) + ": unknown key 'subjcet'"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(": 'key.type': unknown key type 'ec-p385'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": missing required field 'subject'"), std::string::npos) << r.err;
    EXPECT_EQ(list_dir(dir.path()), before);
}

TEST_F(Ceremony, WithoutATerminalItNeedsYes) {
    auto before = list_dir(dir.path());
    auto r = provctl_in_dir({"ca", "ceremony", "run", "ceremony-root.yaml"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "provctl: error: no terminal to confirm steps; pass --yes\n");
    EXPECT_EQ(list_dir(dir.path()), before);
}

TEST_F(Ceremony, OnATerminalANoBeforeSigningAbortsWithOnlyTheTranscript) {
    // script(1) gives provctl a terminal whose keyboard is our stdin.
    if (!exists("/usr/bin/script")) GTEST_SKIP() << "script(1) is not installed";
    auto before = list_dir(dir.path());
    std::string command = std::string("'") + PROVCTL_BIN + "' ca ceremony run ceremony-root.yaml";
    auto r = run({"/usr/bin/script", "-qec", command, "/dev/null"}, {{"ROOT_PASS", kRootPass}}, dir.path(), "y\nn\n");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("Generate a new ec-p384 key at file:root.key? [y/N]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Sign the certificate for CN=Acme Root CA 2026,O=Acme? [y/N]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("the operator declined step 'sign'"), std::string::npos) << r.out;
    before.push_back("root-ceremony.jsonl");
    EXPECT_EQ(list_dir(dir.path()), before);
    auto v = verify("root-ceremony.jsonl", true);
    EXPECT_EQ(v.exit_code, 0) << v.out;
    EXPECT_EQ(nlohmann::json::parse(v.out)["status"], "aborted");
}

TEST_F(Ceremony, AFailedStepLeavesAnAbortedTranscriptAndNoCertificate) {
    auto r = provctl({"ca", "ceremony", "run", "ceremony-root.yaml", "--yes"}, {}, dir.path());  // no ROOT_PASS
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("environment variable ROOT_PASS is not set"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir.file("root.crt")));
    EXPECT_FALSE(exists(dir.file("root.key")));
    r = verify("root-ceremony.jsonl", true);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["status"], "aborted");
    EXPECT_EQ(doc["entries"], 2);

    // The transcript is an output like the others: a rerun does not replace it silently.
    r = provctl_in_dir({"ca", "ceremony", "run", "ceremony-root.yaml", "--yes"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("root-ceremony.jsonl: output exists; remove it or pass --force"), std::string::npos) << r.err;
    r = provctl_in_dir({"ca", "ceremony", "run", "ceremony-root.yaml", "--yes", "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(verify("root-ceremony.jsonl").exit_code, 0);
}

TEST_F(Ceremony, VerifyOfAMissingTranscriptIsBadInput) {
    auto r = verify("nothing.jsonl");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("nothing.jsonl: cannot read"), std::string::npos) << r.err;
}
