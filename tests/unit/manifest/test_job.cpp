#include <gtest/gtest.h>

#include <filesystem>

#include "manifest/job.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"
#include "util/ossl.hpp"

using manifest::parse_job_text;
using manifest::Problem;
using testing_support::TempDir;

namespace {

const std::string kHash = "0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef";

// Line numbers matter: the single-mistake table below names them.
const std::string kFull = R"(version: 1
kind: provisioning-job
job: widget-line-2026w49
sku: WIDGET-100
hw_revision: C
batch: 2026W49
device_id:
  template: "SN-{seq:08}{check}"
key:
  slot: 1
  type: ec-p384
certificates:
  issuer_cert: certs/int.crt
  issuer_key: file:keys/int.key
  issuer_passphrase: env:INT_PASS
  chain: certs/root.crt
  trust: certs/root.crt
  validity_days: 7300
  subject_prefix: "O=Acme Widgets"
firmware:
  build_id: "1.4.2"
  sha256: ")" + kHash + R"("
steps:
  lock_debug: false
  self_test: true
  self_test_timeout: 45s
retry:
  tries: 5
  backoff: 250ms
  timeout: 2m
)";

const std::string kMinimal = R"(version: 1
kind: provisioning-job
job: line-2
sku: WIDGET-100
hw_revision: C
key: {slot: 0, type: ec-p256}
certificates:
  issuer_cert: certs/int.crt
  issuer_key: file:keys/int.key
  chain: certs/root.crt
firmware: {build_id: "1.4.2"}
)";

std::string edit(std::string text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
}

std::string dump(const std::vector<Problem>& ps) { return manifest::format_problems("job.yaml", ps); }

// A folder with the files the manifests name (their content is not read).
class JobFile : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::create_directories(dir.file("certs"));
        std::filesystem::create_directories(dir.file("keys"));
        for (const char* f : {"certs/int.crt", "certs/root.crt", "certs/mid.crt", "keys/int.key"})
            testing_support::spit(dir.file(f), "placeholder\n");
    }
    manifest::JobParseResult parse(const std::string& text) { return parse_job_text(text, "job.yaml", dir.path()); }
    std::vector<Problem> problems_of(const std::string& text) {
        auto r = parse(text);
        EXPECT_FALSE(r.job.has_value());
        return r.problems;
    }
    TempDir dir;
};

}  // namespace

TEST_F(JobFile, FullManifestParsesToTypedValues) {
    auto r = parse(kFull);
    ASSERT_TRUE(r.job) << dump(r.problems);
    const auto& j = *r.job;
    EXPECT_EQ(j.file, "job.yaml");
    EXPECT_EQ(j.sha256, util::sha256_hex(kFull));
    EXPECT_EQ(j.name, "widget-line-2026w49");
    EXPECT_EQ(j.sku, "WIDGET-100");
    EXPECT_EQ(j.hw_revision, "C");
    EXPECT_EQ(j.batch, "2026W49");
    ASSERT_TRUE(j.id_template);
    EXPECT_EQ(j.id_template->text(), "SN-{seq:08}{check}");
    EXPECT_EQ(j.id_template->width(), 8u);
    EXPECT_EQ(j.key.slot, 1);
    EXPECT_EQ(j.key.type, pki::KeyType::ec_p384);
    EXPECT_EQ(j.certificates.issuer_cert, dir.file("certs/int.crt"));
    EXPECT_EQ(j.certificates.issuer_key, "file:" + dir.file("keys/int.key"));
    EXPECT_EQ(j.certificates.issuer_access.passphrase, "env:INT_PASS");
    EXPECT_EQ(j.certificates.issuer_access.pin, "");
    EXPECT_EQ(j.certificates.chain, (std::vector<std::string>{dir.file("certs/root.crt")}));
    EXPECT_EQ(j.certificates.trust, dir.file("certs/root.crt"));
    EXPECT_EQ(j.certificates.validity_days, 7300);
    EXPECT_EQ(j.certificates.subject_prefix, "O=Acme Widgets");
    EXPECT_EQ(j.firmware.build_id, "1.4.2");
    EXPECT_EQ(j.firmware.sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    EXPECT_FALSE(j.steps.lock_debug);
    EXPECT_TRUE(j.steps.self_test);
    EXPECT_EQ(j.steps.self_test_timeout, std::chrono::seconds(45));
    EXPECT_EQ(j.retry.tries, 5);
    EXPECT_EQ(j.retry.backoff, std::chrono::milliseconds(250));
    EXPECT_EQ(j.retry.timeout, std::chrono::minutes(2));
}

TEST_F(JobFile, MinimalManifestTakesTheDefaults) {
    auto r = parse(kMinimal);
    ASSERT_TRUE(r.job) << dump(r.problems);
    const auto& j = *r.job;
    EXPECT_EQ(j.batch, "line-2");  // the job name
    EXPECT_FALSE(j.id_template);
    EXPECT_EQ(j.key.slot, 0);
    EXPECT_EQ(j.key.type, pki::KeyType::ec_p256);
    EXPECT_EQ(j.certificates.trust, dir.file("certs/root.crt"));  // the last of the chain
    EXPECT_EQ(j.certificates.validity_days, 365);
    EXPECT_FALSE(j.certificates.subject_prefix);
    EXPECT_EQ(j.certificates.issuer_access.passphrase, "");
    EXPECT_FALSE(j.firmware.sha256);
    EXPECT_TRUE(j.steps.lock_debug);
    EXPECT_FALSE(j.steps.self_test);
    EXPECT_EQ(j.steps.self_test_timeout, std::chrono::seconds(30));
    EXPECT_EQ(j.retry.tries, 3);
    EXPECT_EQ(j.retry.backoff, std::chrono::milliseconds(200));
    EXPECT_EQ(j.retry.timeout, std::chrono::seconds(5));
}

TEST_F(JobFile, ChainMayBeAListAndTrustDefaultsToItsLastFile) {
    auto r = parse(edit(kMinimal, "chain: certs/root.crt", "chain: [certs/mid.crt, certs/root.crt]"));
    ASSERT_TRUE(r.job) << dump(r.problems);
    EXPECT_EQ(r.job->certificates.chain, (std::vector<std::string>{dir.file("certs/mid.crt"), dir.file("certs/root.crt")}));
    EXPECT_EQ(r.job->certificates.trust, dir.file("certs/root.crt"));
}

TEST_F(JobFile, Pkcs11IssuerKeyTakesAPinSourceAndIsNotLookedForOnDisk) {
    auto r = parse(edit(kMinimal, "  issuer_key: file:keys/int.key\n",
                        "  issuer_key: \"pkcs11:token=factory;object=int\"\n  issuer_pin: file:secrets/pin\n"
                        "  issuer_module: /usr/lib/softhsm/libsofthsm2.so\n"));
    ASSERT_TRUE(r.job) << dump(r.problems);
    EXPECT_EQ(r.job->certificates.issuer_key, "pkcs11:token=factory;object=int");
    EXPECT_EQ(r.job->certificates.issuer_access.pin, "file:" + dir.file("secrets/pin"));
    EXPECT_EQ(r.job->certificates.issuer_access.pkcs11_module, "/usr/lib/softhsm/libsofthsm2.so");
}

TEST_F(JobFile, AbsolutePathsAreKeptAndFileChecksCanBeLeftOut) {
    std::string text = edit(kMinimal, "issuer_cert: certs/int.crt", "issuer_cert: /nowhere/int.crt");
    auto r = parse_job_text(text, "job.yaml", "/also-nowhere", false);
    ASSERT_TRUE(r.job) << dump(r.problems);
    EXPECT_EQ(r.job->certificates.issuer_cert, "/nowhere/int.crt");
    EXPECT_EQ(r.job->certificates.chain, (std::vector<std::string>{"/also-nowhere/certs/root.crt"}));
}

struct Mistake {
    const char* from;
    const char* to;
    int line;
    const char* needle;
};

TEST_F(JobFile, EachMistakeIsExactlyOneProblemOnItsLine) {
    const std::vector<Mistake> mistakes = {
        {"version: 1", "version: 2", 1, "'version' 2 is not supported"},
        {"version: 1", "version: one", 1, "'version' must be a whole number"},
        {"kind: provisioning-job", "kind: provisioning-jobs", 2, "'kind' must be provisioning-job, not 'provisioning-jobs'"},
        {"job: widget-line-2026w49", "job: widget line", 3, "'job' must be 1 to 64 letters"},
        {"sku: WIDGET-100\n", "sku: WIDGET-100\nskus: 2\n", 5, "unknown key 'skus' (did you mean 'sku'?)"},
        {"hw_revision: C\n", "hw_revision: C\nsku: OTHER\n", 6, "key 'sku' appears twice (first on line 4)"},
        {"hw_revision: C", "hw_revision: [C]", 5, "'hw_revision' must be text, not a list"},
        {"batch: 2026W49", "batch: 2026/W49", 6, "'batch' must be 1 to 64 letters"},
        {"  template: \"SN-{seq:08}{check}\"", "  template: \"SN-{sequence}\"", 8, "'device_id.template': id template"},
        {"slot: 1", "slot: 4", 10, "'key.slot' must be a whole number from 0 to 3, not '4'"},
        {"slot: 1", "slot: -1", 10, "'key.slot' must be a whole number from 0 to 3"},
        {"slot: 1", "slot: {n: 1}", 10, "'key.slot' must be text, not a mapping"},
        {"type: ec-p384", "type: rsa-3072", 11, "'key.type' must be ec-p256 or ec-p384 (device keys are ECDSA), not 'rsa-3072'"},
        {"  type: ec-p384\n", "", 9, "missing required field 'key.type'"},
        {"  issuer_cert: certs/int.crt\n", "", 12, "missing required field 'certificates.issuer_cert'"},
        {"issuer_cert: certs/int.crt", "issuer_cert: certs/nope.crt", 13, "'certificates.issuer_cert': file not found: "},
        {"issuer_key: file:keys/int.key", "issuer_key: keys/int.key", 14, "'certificates.issuer_key' must be file:PATH or a pkcs11: URI"},
        {"issuer_key: file:keys/int.key", "issuer_key: file:keys/nope.key", 14, "'certificates.issuer_key': file not found: "},
        {"  chain:", "  issuer_pin: env:PIN\n  chain:", 16, "'certificates.issuer_pin' applies to pkcs11: keys"},
        {"  chain:", "  issuer_module: /lib/p11.so\n  chain:", 16, "'certificates.issuer_module' applies to pkcs11: keys only"},
        {"chain: certs/root.crt", "chain: certs/gone.crt", 16, "'certificates.chain': file not found: "},
        {"chain: certs/root.crt", "chain: [certs/mid.crt, certs/gone.crt]", 16, "'certificates.chain[1]': file not found: "},
        {"trust: certs/root.crt", "trust: certs/gone.crt", 17, "'certificates.trust': file not found: "},
        {"validity_days: 7300", "validity_days: 0", 18, "'certificates.validity_days' must be a whole number of at least 1"},
        {"\"O=Acme Widgets\"", "\"CN=Widget,O=Acme Widgets\"", 19, "'certificates.subject_prefix' must not hold CN"},
        {"\"O=Acme Widgets\"", "\"Acme Widgets\"", 19, "'certificates.subject_prefix'"},
        {"  build_id: \"1.4.2\"\n", "", 20, "missing required field 'firmware.build_id'"},
        {kHash.c_str(), "0123", 22, "'firmware.sha256' must be 64 hex digits (a SHA-256), not '0123'"},
        {"0123456789ABCDEF0123", "g123456789ABCDEF0123", 22, "'firmware.sha256' must be 64 hex digits"},
        {"lock_debug: false", "lock_debug: no", 24, "'steps.lock_debug' must be true or false, not 'no'"},
        {"self_test: true", "self_test: 1", 25, "'steps.self_test' must be true or false"},
        {"self_test_timeout: 45s", "self_test_timeout: 45 seconds", 26, "'steps.self_test_timeout' is not a duration"},
        {"tries: 5", "tries: 0", 28, "'retry.tries' must be a whole number from 1 to 100"},
        {"backoff: 250ms", "backoff: 250", 29, "'retry.backoff' is not a duration: '250'"},
        {"timeout: 2m", "timeout: 0s", 30, "'retry.timeout' is not a duration"},
        {"retry:\n", "retry:\n  jitter: 1s\n", 28, "unknown key 'jitter' under 'retry'"},
    };
    for (const auto& m : mistakes) {
        auto ps = problems_of(edit(kFull, m.from, m.to));
        ASSERT_EQ(ps.size(), 1u) << m.to << "\n" << dump(ps);
        EXPECT_EQ(ps[0].line, m.line) << m.to << "\n" << dump(ps);
        EXPECT_NE(ps[0].message.find(m.needle), std::string::npos) << m.to << "\n" << dump(ps);
    }
}

TEST_F(JobFile, MissingTopLevelFieldsAreNamedOnLineOne) {
    for (const char* line : {"job: widget-line-2026w49\n", "sku: WIDGET-100\n", "hw_revision: C\n", "version: 1\n",
                             "kind: provisioning-job\n"}) {
        auto ps = problems_of(edit(kFull, line, ""));
        ASSERT_EQ(ps.size(), 1u) << line << dump(ps);
        EXPECT_EQ(ps[0].line, 1);
        EXPECT_NE(ps[0].message.find("missing required field '" + std::string(line).substr(0, std::string(line).find(':')) + "'"),
                  std::string::npos)
            << dump(ps);
    }
    auto ps = problems_of(edit(kMinimal, "firmware: {build_id: \"1.4.2\"}\n", ""));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_NE(ps[0].message.find("missing required field 'firmware'"), std::string::npos);
}

TEST_F(JobFile, NoChainAndNoTrustIsOneProblem) {
    auto ps = problems_of(edit(kMinimal, "  chain: certs/root.crt\n", ""));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_EQ(ps[0].line, 7);
    EXPECT_NE(ps[0].message.find("missing 'certificates.trust'"), std::string::npos);
    // A trust anchor alone is enough: the issuer may sit right under it.
    auto r = parse(edit(kMinimal, "  chain: certs/root.crt\n", "  trust: certs/root.crt\n"));
    ASSERT_TRUE(r.job) << dump(r.problems);
    EXPECT_TRUE(r.job->certificates.chain.empty());
}

TEST_F(JobFile, ThreeMistakesAreThreeProblemsInLineOrder) {
    std::string text = edit(edit(edit(kFull, "backoff: 250ms", "backoff: fast"), "slot: 1", "slot: 9"), "version: 1",
                            "version: 3");
    auto ps = problems_of(text);
    ASSERT_EQ(ps.size(), 3u) << dump(ps);
    EXPECT_EQ(ps[0].line, 1);
    EXPECT_EQ(ps[1].line, 10);
    EXPECT_EQ(ps[2].line, 29);
}

TEST_F(JobFile, LiteralSecretsAreRefusedWithoutEchoingThem) {
    auto ps = problems_of(edit(kFull, "env:INT_PASS", "\"Tr0ub4dor&3-horse\""));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_EQ(ps[0].line, 15);
    EXPECT_NE(ps[0].message.find("'certificates.issuer_passphrase' looks like a literal secret"), std::string::npos);
    EXPECT_EQ(ps[0].message.find("Tr0ub4dor"), std::string::npos) << ps[0].message;

    // A station runs unattended: no prompt either.
    ps = problems_of(edit(kFull, "env:INT_PASS", "prompt"));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_NE(ps[0].message.find("env:NAME or file:PATH"), std::string::npos);

    ps = problems_of(edit(kMinimal, "  issuer_key: file:keys/int.key\n",
                          "  issuer_key: \"pkcs11:token=factory;object=int\"\n  issuer_pin: \"482913\"\n"));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_EQ(ps[0].line, 10);
    EXPECT_NE(ps[0].message.find("'certificates.issuer_pin' looks like a literal secret"), std::string::npos);
    EXPECT_EQ(dump(ps).find("482913"), std::string::npos);
}

TEST_F(JobFile, NotAJobOrNotYaml) {
    auto ps = problems_of("- a\n- b\n");
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_NE(ps[0].message.find("the file must be a mapping"), std::string::npos);
    ps = problems_of("version: 1\nkind: [\n");
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_NE(ps[0].message.find("YAML syntax error"), std::string::npos);
}

TEST_F(JobFile, ParseJobResolvesAgainstTheFilesFolderAndHashesItsBytes) {
    testing_support::spit(dir.file("job.yaml"), kFull);
    auto r = manifest::parse_job(dir.file("job.yaml"));
    ASSERT_TRUE(r.job) << dump(r.problems);
    EXPECT_EQ(r.job->file, dir.file("job.yaml"));
    EXPECT_EQ(r.job->sha256, util::sha256_hex(kFull));
    EXPECT_EQ(r.job->certificates.issuer_cert, dir.file("certs/int.crt"));
    EXPECT_EQ(manifest::load_job(dir.file("job.yaml")).name, "widget-line-2026w49");

    auto missing = manifest::parse_job(dir.file("absent.yaml"));
    ASSERT_EQ(missing.problems.size(), 1u);
    EXPECT_EQ(missing.problems[0].line, 0);
    EXPECT_NE(missing.problems[0].message.find("cannot read"), std::string::npos) << missing.problems[0].message;
}

TEST_F(JobFile, LoadJobThrowsUsageWithEveryProblemOnItsOwnLine) {
    std::string path = dir.file("job.yaml");
    testing_support::spit(path, edit(edit(kFull, "slot: 1", "slot: 9"), "version: 1", "version: 3"));
    try {
        manifest::load_job(path);
        FAIL() << "no error";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        std::string m = e.what();
        EXPECT_NE(m.find("2 problems"), std::string::npos) << m;
        EXPECT_NE(m.find("\n" + path + ":1: 'version' 3 is not supported"), std::string::npos) << m;
        EXPECT_NE(m.find("\n" + path + ":10: 'key.slot'"), std::string::npos) << m;
    }
}
