#include <gtest/gtest.h>

#include "manifest/transcript.hpp"
#include "pki/cert_builder.hpp"
#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

using manifest::Step;
using manifest::TranscriptReport;
using manifest::TranscriptWriter;
using testing_support::slurp;
using testing_support::spit;
using testing_support::TempDir;

namespace {

class FixedClock : public util::Clock {
public:
    int64_t now() const override { return 1790000000; }
};

const manifest::Participants kWho{"test-root", "Alice", {"Bob", "Carol"}};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

std::string join(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
}

bool has_problem(const TranscriptReport& r, int line, const std::string& needle) {
    for (const auto& p : r.problems)
        if (p.line == line && p.message.find(needle) != std::string::npos) return true;
    return false;
}

std::string dump(const TranscriptReport& r) {
    std::string s;
    for (const auto& p : r.problems) s += std::to_string(p.line) + " " + p.path + ": " + p.message + "\n";
    return s;
}

// begin, two steps, complete: a transcript as the runner writes it.
std::string write_four(const std::string& path, const std::string& last = "complete") {
    FixedClock clock;
    TranscriptWriter w(path, kWho, clock, false);
    Step begin{"begin"};
    begin.inputs["c.yaml"] = manifest::file_record("manifest", "version: 1\n");
    w.append(begin);
    w.append(Step{"generate-key"});
    w.append(Step{"sign"});
    w.append(Step{last});
    return slurp(path);
}

util::X509Ptr self_signed(const EVP_PKEY* key_in) {
    auto* key = const_cast<EVP_PKEY*>(key_in);
    auto subject = pki::parse_name("CN=Transcript Test", "subject");
    pki::CertSpec spec;
    spec.subject = subject.get();
    spec.public_key = key;
    spec.validity = {1790000000, 1790000000 + 86400 * 30};
    spec.is_ca = true;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    return pki::build_certificate(spec, nullptr, key, nullptr);
}

}  // namespace

TEST(Transcript, EntriesChainByTheHashOfThePreviousLine) {
    TempDir dir;
    std::string text = write_four(dir.file("t.jsonl"));
    auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 4u);
    auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["prev"], manifest::kGenesisPrev);
    EXPECT_EQ(first["seq"], 1);
    EXPECT_EQ(first["schema"], manifest::kTranscriptSchema);
    EXPECT_EQ(first["time"], "2026-09-21T14:13:20Z");
    EXPECT_EQ(first["witnesses"], nlohmann::json({"Bob", "Carol"}));
    EXPECT_EQ(first["inputs"]["c.yaml"]["sha256"], util::sha256_hex(std::string("version: 1\n")));
    for (size_t i = 1; i < lines.size(); ++i) {
        auto e = nlohmann::json::parse(lines[i]);
        EXPECT_EQ(e["prev"], util::sha256_hex(lines[i - 1])) << i;
        EXPECT_EQ(e["seq"], i + 1);
        EXPECT_EQ(e["outputs"], nlohmann::json::object());  // same shape when empty
    }
    auto r = manifest::check_chain(text);
    EXPECT_TRUE(r.valid()) << dump(r);
    EXPECT_EQ(r.entries, 4);
    EXPECT_EQ(r.status, "complete");
    EXPECT_EQ(r.ceremony, "test-root");
    EXPECT_EQ(r.head, util::sha256_hex(lines[3]));
}

TEST(Transcript, WriterRefusesAnExistingTranscriptUnlessOverwriting) {
    TempDir dir;
    FixedClock clock;
    spit(dir.file("t.jsonl"), "old\n");
    EXPECT_THROW(TranscriptWriter(dir.file("t.jsonl"), kWho, clock, false), util::Error);
    TranscriptWriter w(dir.file("t.jsonl"), kWho, clock, true);
    w.append(Step{"begin"});
    EXPECT_EQ(lines_of(slurp(dir.file("t.jsonl"))).size(), 1u);
}

TEST(Transcript, AnyChangedByteBreaksTheChain) {
    TempDir dir;
    std::string text = write_four(dir.file("t.jsonl"));
    // Every single-byte change anywhere is caught, including in the last line,
    // which no later prev covers.
    for (size_t i = 0; i < text.size(); i += 7) {
        std::string changed = text;
        changed[i] = changed[i] == 'a' ? 'b' : 'a';
        EXPECT_FALSE(manifest::check_chain(changed).valid()) << "byte " << i << " of " << text.size();
    }
    auto lines = lines_of(text);
    lines[1].replace(lines[1].find("generate-key"), 12, "generate-kez");
    auto r = manifest::check_chain(join(lines));
    EXPECT_TRUE(has_problem(r, 2, "entry_sha256 does not match")) << dump(r);
    EXPECT_TRUE(has_problem(r, 3, "prev does not match the SHA-256 of line 2")) << dump(r);
}

TEST(Transcript, RemovedReorderedAndAppendedLinesAreFound) {
    TempDir dir;
    auto lines = lines_of(write_four(dir.file("t.jsonl")));

    auto removed = lines;
    removed.erase(removed.begin() + 1);
    auto r = manifest::check_chain(join(removed));
    EXPECT_TRUE(has_problem(r, 2, "seq is 3 where 2 was expected")) << dump(r);
    EXPECT_TRUE(has_problem(r, 2, "prev does not match")) << dump(r);

    auto first_removed = std::vector<std::string>(lines.begin() + 1, lines.end());
    r = manifest::check_chain(join(first_removed));
    EXPECT_TRUE(has_problem(r, 1, "prev of the first entry is not all zeros")) << dump(r);
    EXPECT_TRUE(has_problem(r, 1, "the first entry is 'generate-key', not 'begin'")) << dump(r);

    auto last_removed = std::vector<std::string>(lines.begin(), lines.end() - 1);
    r = manifest::check_chain(join(last_removed));
    EXPECT_EQ(r.status, "incomplete");
    EXPECT_TRUE(has_problem(r, 3, "ends at step 'sign' without a 'complete' or 'aborted' entry")) << dump(r);

    auto swapped = lines;
    std::swap(swapped[1], swapped[2]);
    r = manifest::check_chain(join(swapped));
    EXPECT_TRUE(has_problem(r, 2, "seq is 3")) << dump(r);
    EXPECT_TRUE(has_problem(r, 3, "prev does not match")) << dump(r);

    std::string cut = join(lines);
    cut.pop_back();
    r = manifest::check_chain(cut);
    EXPECT_TRUE(has_problem(r, 4, "the last line has no newline")) << dump(r);

    r = manifest::check_chain(join(lines) + "\n");
    EXPECT_TRUE(has_problem(r, 5, "empty line")) << dump(r);

    EXPECT_TRUE(has_problem(manifest::check_chain(""), 0, "the transcript is empty"));
}

TEST(Transcript, ReformattedLinesAreNotAccepted) {
    TempDir dir;
    auto lines = lines_of(write_four(dir.file("t.jsonl")));
    // Same content, different bytes: an edit even though the JSON means the same.
    lines[3] = nlohmann::json::parse(lines[3]).dump(1);
    for (auto& c : lines[3])
        if (c == '\n') c = ' ';
    auto r = manifest::check_chain(join(lines));
    EXPECT_TRUE(has_problem(r, 4, "not in the form provctl writes")) << dump(r);
}

TEST(Transcript, AnAbortedCeremonyIsAnIntactTranscript) {
    TempDir dir;
    auto r = manifest::check_chain(write_four(dir.file("t.jsonl"), "aborted"));
    EXPECT_TRUE(r.valid()) << dump(r);
    EXPECT_EQ(r.status, "aborted");
}

TEST(Transcript, StepsAfterTheEndOrASecondBeginAreFound) {
    TempDir dir;
    FixedClock clock;
    TranscriptWriter w(dir.file("t.jsonl"), kWho, clock, false);
    for (const char* s : {"begin", "complete", "begin", "complete"}) w.append(Step{s});
    auto r = manifest::check_chain(slurp(dir.file("t.jsonl")));
    EXPECT_TRUE(has_problem(r, 2, "entries follow the final 'complete' entry")) << dump(r);
    EXPECT_TRUE(has_problem(r, 3, "a second 'begin' entry")) << dump(r);
}

TEST(Transcript, OutputsAreCheckedOnDisk) {
    TempDir dir;
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto cert = self_signed(key.get());
    spit(dir.file("ca.crt"), pki::cert_pem(cert.get()));
    spit(dir.file("chain.pem"), pki::cert_pem(cert.get()) + pki::cert_pem(cert.get()));
    spit(dir.file("ca.key"), "encrypted key bytes");
    std::vector<util::X509Ptr> chain;
    chain.emplace_back(X509_dup(cert.get()));
    chain.emplace_back(X509_dup(cert.get()));

    FixedClock clock;
    {
        TranscriptWriter w(dir.file("t.jsonl"), kWho, clock, false);
        w.append(Step{"begin"});
        Step done{"complete"};
        done.outputs["ca.crt"] = manifest::certificate_record(cert.get());
        done.outputs["chain.pem"] = manifest::chain_record(chain);
        done.outputs["ca.key"] = manifest::key_record("file:ca.key", key.get(), util::sha256_hex(std::string("encrypted key bytes")));
        done.outputs["pkcs11:token=ca;object=root"] = manifest::key_record("pkcs11:token=ca;object=root", key.get(), std::nullopt);
        w.append(done);
    }
    auto r = manifest::verify_transcript(dir.file("t.jsonl"));
    EXPECT_TRUE(r.valid()) << dump(r);
    EXPECT_EQ(r.checked, (std::vector<std::string>{"ca.crt", "ca.key", "chain.pem"}));
    EXPECT_EQ(r.skipped, (std::vector<std::string>{"pkcs11:token=ca;object=root"}));
    std::string record = nlohmann::json(manifest::key_record("file:ca.key", key.get(), std::nullopt)).dump();
    EXPECT_EQ(record.find("PRIVATE"), std::string::npos);

    // Another certificate in place of the recorded one.
    auto other = self_signed(pki::generate_key(pki::KeyType::ec_p256).get());
    spit(dir.file("ca.crt"), pki::cert_pem(other.get()));
    spit(dir.file("ca.key"), "encrypted key bytez");
    spit(dir.file("chain.pem"), pki::cert_pem(cert.get()));
    r = manifest::verify_transcript(dir.file("t.jsonl"));
    ASSERT_EQ(r.problems.size(), 3u) << dump(r);
    EXPECT_EQ(r.problems[0].path, "ca.crt");
    EXPECT_NE(r.problems[0].message.find("the certificate's SHA-256 is " + util::cert_sha256_hex(other.get())),
              std::string::npos);
    EXPECT_EQ(r.problems[1].path, "ca.key");
    EXPECT_EQ(r.problems[2].path, "chain.pem");

    spit(dir.file("ca.crt"), "not a certificate");
    ::unlink(dir.file("ca.key").c_str());
    r = manifest::verify_transcript(dir.file("t.jsonl"));
    EXPECT_TRUE(has_problem(r, 2, "cannot be read as recorded")) << dump(r);
    EXPECT_TRUE(has_problem(r, 2, "missing")) << dump(r);
}

TEST(Transcript, FieldsOfTheWrongTypeAreProblemsNotCrashes) {
    TempDir dir;
    FixedClock clock;
    {
        TranscriptWriter w(dir.file("t.jsonl"), kWho, clock, false);
        w.append(Step{"begin"});
        Step done{"complete"};
        done.outputs["ca.crt"] = {{"kind", "certificate"}, {"sha256", "00"}};
        w.append(done);
    }
    spit(dir.file("ca.crt"), "x");
    std::string text = slurp(dir.file("t.jsonl"));
    text.replace(text.find("\"sha256\":\"00\""), 13, "\"sha256\":1234");
    text.replace(text.find("\"step\":\"begin\""), 14, "\"step\":7");
    spit(dir.file("t.jsonl"), text);
    TranscriptReport r;
    ASSERT_NO_THROW(r = manifest::verify_transcript(dir.file("t.jsonl")));
    EXPECT_TRUE(has_problem(r, 1, "field 'step' is missing or has the wrong type")) << dump(r);
    EXPECT_TRUE(has_problem(r, 1, "the first entry is '?', not 'begin'")) << dump(r);
    EXPECT_TRUE(has_problem(r, 2, "the transcript's record of this output is malformed")) << dump(r);
}
