#include <gtest/gtest.h>

#include <cstdlib>

#include "manifest/ceremony.hpp"
#include "manifest/ceremony_run.hpp"
#include "manifest/transcript.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

using testing_support::exists;
using testing_support::list_dir;
using testing_support::slurp;
using testing_support::spit;
using testing_support::TempDir;

namespace {

const char* kPassVar = "PROVCTL_UNIT_CEREMONY_PASS";
const char* kPass = "unit ceremony passphrase";

const std::string kRoot = R"(version: 1
type: root
name: unit-root
operator: Alice
witnesses: [Bob]
key: {location: file:root.key, type: ec-p256, passphrase: env:PROVCTL_UNIT_CEREMONY_PASS}
subject: "CN=Unit Root"
validity: {days: 30}
outputs: {cert: root.crt, transcript: root.jsonl}
)";

// Answers questions from a script: the first `yes` are approved, then "no".
class ScriptedGate : public manifest::StepGate {
public:
    explicit ScriptedGate(int yes) : yes_(yes) {}
    void show(const std::string& text) override { shown += text + "\n"; }
    bool approve(const std::string& question) override {
        asked.push_back(question);
        return static_cast<int>(asked.size()) <= yes_;
    }
    std::string shown;
    std::vector<std::string> asked;

private:
    int yes_;
};

class CeremonyRun : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv(kPassVar, kPass, 1);
        spit(dir.file("root.yaml"), kRoot);
    }
    void TearDown() override { ::unsetenv(kPassVar); }
    manifest::Ceremony ceremony() { return manifest::load_ceremony(dir.file("root.yaml")); }
    std::vector<std::string> steps() {
        std::vector<std::string> names;
        std::string text = slurp(dir.file("root.jsonl"));
        size_t pos = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            names.push_back(nlohmann::json::parse(text.substr(pos, nl - pos))["step"]);
            pos = nl + 1;
        }
        return names;
    }
    TempDir dir;
    util::SystemClock clock;
};

}  // namespace

TEST_F(CeremonyRun, RootCeremonyWritesOutputsAndAVerifiableTranscript) {
    ScriptedGate gate(2);
    auto out = manifest::run_ceremony(ceremony(), {}, gate, clock);
    EXPECT_EQ(gate.asked.size(), 2u);  // before key generation and before signing
    EXPECT_EQ(out.transcript, dir.file("root.jsonl"));
    EXPECT_EQ(steps(), (std::vector<std::string>{"begin", "generate-key", "sign", "complete"}));
    EXPECT_EQ(out.steps.size(), 4u);
    auto report = manifest::verify_transcript(dir.file("root.jsonl"));
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.checked, (std::vector<std::string>{"root.crt", "root.key"}));
    EXPECT_EQ(report.head, out.head);
    std::string transcript = slurp(dir.file("root.jsonl"));
    EXPECT_EQ(transcript.find(kPass), std::string::npos);
    EXPECT_EQ(transcript.find(dir.path()), std::string::npos);  // paths relative to the transcript
    EXPECT_EQ(gate.shown.find(kPass), std::string::npos);
}

TEST_F(CeremonyRun, NoBeforeKeyGenerationLeavesOnlyTheTranscript) {
    ScriptedGate gate(0);
    try {
        manifest::run_ceremony(ceremony(), {}, gate, clock);
        FAIL() << "expected the ceremony to stop";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::failed);
        EXPECT_NE(std::string(e.what()).find("the operator declined step 'generate-key'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(list_dir(dir.path()), (std::vector<std::string>{"root.jsonl", "root.yaml"}));
    EXPECT_EQ(steps(), (std::vector<std::string>{"begin", "aborted"}));
    auto report = manifest::verify_transcript(dir.file("root.jsonl"));
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.status, "aborted");
    EXPECT_EQ(report.lines.back().entry["details"]["failed_step"], "generate-key");
}

TEST_F(CeremonyRun, NoBeforeSigningDiscardsTheNewKey) {
    ScriptedGate gate(1);
    EXPECT_THROW(manifest::run_ceremony(ceremony(), {}, gate, clock), util::Error);
    EXPECT_EQ(list_dir(dir.path()), (std::vector<std::string>{"root.jsonl", "root.yaml"}));
    EXPECT_EQ(steps(), (std::vector<std::string>{"begin", "generate-key", "aborted"}));
    auto last = manifest::verify_transcript(dir.file("root.jsonl")).lines.back().entry;
    EXPECT_EQ(last["details"]["failed_step"], "sign");
    EXPECT_EQ(last["details"]["exit_code"], 1);
}

TEST_F(CeremonyRun, AFailingStepIsRecordedWithItsError) {
    ::unsetenv(kPassVar);
    ScriptedGate gate(2);
    EXPECT_THROW(manifest::run_ceremony(ceremony(), {}, gate, clock), util::Error);
    auto last = manifest::verify_transcript(dir.file("root.jsonl")).lines.back().entry;
    EXPECT_EQ(last["step"], "aborted");
    EXPECT_EQ(last["details"]["failed_step"], "generate-key");
    EXPECT_NE(last["details"]["error"].get<std::string>().find("PROVCTL_UNIT_CEREMONY_PASS is not set"), std::string::npos);
    EXPECT_FALSE(exists(dir.file("root.crt")));
}

TEST_F(CeremonyRun, AnExistingOutputIsRefusedBeforeAnythingIsWritten) {
    spit(dir.file("root.crt"), "already here");
    ScriptedGate gate(2);
    try {
        manifest::run_ceremony(ceremony(), {}, gate, clock);
        FAIL() << "expected a refusal";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("root.crt: output exists"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(exists(dir.file("root.jsonl")));
    EXPECT_TRUE(gate.asked.empty());

    // --force replaces it, and --transcript puts the transcript elsewhere.
    TempDir other;
    manifest::RunSettings settings{other.file("t.jsonl"), true, "", nullptr};
    manifest::run_ceremony(ceremony(), settings, gate, clock);
    auto report = manifest::verify_transcript(other.file("t.jsonl"));
    EXPECT_TRUE(report.valid());
    EXPECT_EQ(report.checked.size(), 2u);
}
