// provctl manifest validate through the real binary: provisioning jobs and
// ceremony files, every problem on stderr as file:line: message.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

using namespace testing_support;

namespace {

const std::string kJob = R"(version: 1
kind: provisioning-job
job: line-2
sku: WIDGET-100
hw_revision: C
key: {slot: 0, type: ec-p256}
certificates:
  issuer_cert: widgets.crt
  issuer_key: file:widgets.key
  issuer_passphrase: env:INT_PASS
  chain: root.crt
firmware: {build_id: "1.4.2"}
)";

// Three mistakes: version, slot, a literal passphrase; and a missing file.
const std::string kBroken = R"(version: 2
kind: provisioning-job
job: line-2
sku: WIDGET-100
hw_revision: C
key: {slot: 7, type: ec-p256}
certificates:
  issuer_cert: widgets.crt
  issuer_key: file:widgets.key
  issuer_passphrase: "sesame-open-4471"
  chain: missing-root.crt
firmware: {build_id: "1.4.2"}
)";

class ManifestValidate : public ::testing::Test {
protected:
    void SetUp() override {
        // The validator only checks that the files exist; the demo's ceremonies make real ones.
        for (const char* name : {"widgets.crt", "widgets.key", "root.crt"}) spit(dir.file(name), "placeholder\n");
        spit(dir.file("job.yaml"), kJob);
        spit(dir.file("broken.yaml"), kBroken);
    }
    RunResult validate(const std::vector<std::string>& files, bool json = false) {
        std::vector<std::string> args{"manifest", "validate"};
        if (json) args.insert(args.begin(), "--json");
        args.insert(args.end(), files.begin(), files.end());
        return provctl(args, {}, dir.path());
    }
    TempDir dir;
};

}  // namespace

TEST_F(ManifestValidate, ValidJobExitsZeroAndSaysWhatItIs) {
    auto r = validate({"job.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "job.yaml: valid provisioning job line-2 (sku WIDGET-100, hw C, batch line-2, key slot 0 ec-p256, "
                     "firmware 1.4.2)\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(ManifestValidate, BrokenJobExitsTwoWithEveryProblemOnStderr) {
    auto r = validate({"job.yaml", "broken.yaml"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("broken.yaml:1: 'version' 2 is not supported"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("broken.yaml:6: 'key.slot' must be a whole number from 0 to 3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("broken.yaml:10: 'certificates.issuer_passphrase' looks like a literal secret"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("broken.yaml:11: 'certificates.chain': file not found: missing-root.crt"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("sesame"), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.rfind("job.yaml:", 0) != 0 && r.err.find("\njob.yaml:") == std::string::npos)
        << "the valid file has no problem lines\n" << r.err;
    EXPECT_NE(r.err.find("provctl: error: 1 of 2 manifest files not valid"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("job.yaml: valid provisioning job"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("broken.yaml: not valid (4 problems, provisioning-job)"), std::string::npos) << r.out;
}

TEST_F(ManifestValidate, JsonListsEveryFileWithItsProblems) {
    auto r = validate({"job.yaml", "broken.yaml", "absent.yaml"}, true);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["schema"], "provctl.manifest.validate/v1");
    ASSERT_TRUE(doc["files"].is_array());
    ASSERT_EQ(doc["files"].size(), 3u);
    const auto& ok = doc["files"][0];
    EXPECT_EQ(ok["file"], "job.yaml");
    EXPECT_EQ(ok["kind"], "provisioning-job");
    EXPECT_EQ(ok["valid"], true);
    EXPECT_TRUE(ok["problems"].is_array());
    EXPECT_TRUE(ok["problems"].empty());
    const auto& bad = doc["files"][1];
    EXPECT_EQ(bad["kind"], "provisioning-job");
    EXPECT_EQ(bad["valid"], false);
    ASSERT_EQ(bad["problems"].size(), 4u);
    EXPECT_EQ(bad["problems"][0]["line"], 1);
    EXPECT_EQ(bad["problems"][1]["line"], 6);
    EXPECT_EQ(bad["problems"][2]["line"], 10);
    EXPECT_EQ(bad["problems"][3]["line"], 11);
    EXPECT_EQ(r.out.find("sesame"), std::string::npos);
    const auto& absent = doc["files"][2];
    EXPECT_TRUE(absent["kind"].is_null());
    EXPECT_EQ(absent["valid"], false);
    ASSERT_EQ(absent["problems"].size(), 1u);
    EXPECT_TRUE(absent["problems"][0]["line"].is_null());
    EXPECT_NE(absent["problems"][0]["message"].get<std::string>().find("cannot read"), std::string::npos);
    // Problems go to stderr under --json too.
    EXPECT_NE(r.err.find("broken.yaml:6: "), std::string::npos) << r.err;
}

TEST_F(ManifestValidate, CeremonyFilesValidateAsCeremonies) {
    for (const char* name : {"ceremony-root.yaml", "ceremony-intermediate.yaml"})
        spit(dir.file(name), slurp(source_dir() + "/examples/" + name));
    auto r = validate({"ceremony-root.yaml", "ceremony-intermediate.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("ceremony-root.yaml: valid root ceremony acme-root-2026"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ceremony-intermediate.yaml: valid intermediate ceremony acme-widgets-2026"), std::string::npos)
        << r.out;
    r = validate({"ceremony-root.yaml"}, true);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["files"][0]["kind"], "ceremony");

    spit(dir.file("bad-ceremony.yaml"), "version: 1\ntype: branch\nname: x\n");
    r = validate({"bad-ceremony.yaml"}, true);
    EXPECT_EQ(r.exit_code, 2);
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["files"][0]["kind"], "ceremony");
    EXPECT_NE(r.err.find("bad-ceremony.yaml:2: 'type' must be root or intermediate"), std::string::npos) << r.err;
}

TEST_F(ManifestValidate, UnknownKindsAndNonManifestsAreRefused) {
    spit(dir.file("other.yaml"), "version: 1\nkind: shipping-label\n");
    spit(dir.file("plain.yaml"), "hello: world\n");
    spit(dir.file("syntax.yaml"), "kind: [provisioning-job\n");
    auto r = validate({"other.yaml", "plain.yaml", "syntax.yaml"}, true);
    EXPECT_EQ(r.exit_code, 2);
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& f : doc["files"]) {
        EXPECT_TRUE(f["kind"].is_null()) << f.dump();
        EXPECT_EQ(f["problems"].size(), 1u) << f.dump();
    }
    EXPECT_NE(r.err.find("other.yaml:2: 'kind' 'shipping-label' is unknown"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("plain.yaml:1: cannot tell what this file is"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("syntax.yaml:"), std::string::npos) << r.err;
}

TEST_F(ManifestValidate, ShippedExampleJobValidatesBesideTheCeremonyOutputs) {
    spit(dir.file("example-job.yaml"), slurp(source_dir() + "/examples/job.yaml"));
    auto r = validate({"example-job.yaml"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("valid provisioning job widget-line-2026w49 (sku WIDGET-100, hw C, batch 2026W49, key slot 0 "
                         "ec-p256, firmware 1.4.2, IDs SN-{seq:08}{check})"),
              std::string::npos)
        << r.out;
    // Without the ceremony outputs beside it, each missing file is named.
    TempDir empty;
    spit(empty.file("job.yaml"), slurp(source_dir() + "/examples/job.yaml"));
    r = provctl({"manifest", "validate", empty.file("job.yaml")});
    EXPECT_EQ(r.exit_code, 2);
    for (const char* what : {"'certificates.issuer_cert': file not found", "'certificates.issuer_key': file not found",
                             "'certificates.chain': file not found", "'certificates.trust': file not found"})
        EXPECT_NE(r.err.find(what), std::string::npos) << what << "\n" << r.err;
}
