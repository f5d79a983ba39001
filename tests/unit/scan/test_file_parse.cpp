// Every file format the scanner reads, and every way a file can be bad:
// certificates found are counted, problems reported, nothing thrown.
#include <gtest/gtest.h>

#include "scan/file_parse.hpp"
#include "scan/name_text.hpp"
#include "support/test_certs.hpp"
#include "support/test_support.hpp"

namespace {

using testing_support::make_test_cert;
using testing_support::run;
using testing_support::slurp;
using testing_support::spit;
using testing_support::TempDir;

struct Recorder : scan::ParseSink {
    std::vector<std::string> subjects;
    std::vector<int> indexes;
    std::vector<std::string> problems;
    std::vector<std::string> skips;
    void certificate(const scan::CertFields& c, int index) override {
        subjects.push_back(scan::name_text(c.subject));
        indexes.push_back(index);
    }
    void unreadable(const std::string& reason, int) override { problems.push_back(reason); }
    void skipped(const std::string& reason) override { skips.push_back(reason); }
};

Recorder parse(const std::string& data) {
    Recorder r;
    scan::parse_buffer(data, r);
    return r;
}

const auto kA = make_test_cert("a", 1700000000, 1800000000, 1);
const auto kB = make_test_cert("b", 1700000000, 1900000000, 2);

TEST(ScanFileParse, PemWithManyBlocksAndText) {
    auto r = parse("Certificate:\n    Data: text openssl x509 -text writes\n" + kA.pem + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" +
                   "some notes\n" + kB.pem);
    EXPECT_EQ(r.subjects, (std::vector<std::string>{"CN=a", "CN=b"}));
    EXPECT_EQ(r.indexes, (std::vector<int>{1, 2}));
    EXPECT_TRUE(r.problems.empty());
}

TEST(ScanFileParse, GarbageBetweenBlocksIsSkippedCertificatesStillRead) {
    auto r = parse(kA.pem + std::string("\x01\x02\xff binary junk \x00 here\n", 24) + kB.pem);
    EXPECT_EQ(r.subjects.size(), 2u);
    EXPECT_TRUE(r.problems.empty());
}

TEST(ScanFileParse, TruncatedPemReported) {
    std::string cut = kB.pem.substr(0, kB.pem.size() / 2);
    auto r = parse(kA.pem + cut);
    EXPECT_EQ(r.subjects.size(), 1u);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_NE(r.problems[0].find("no END line"), std::string::npos) << r.problems[0];
    EXPECT_NE(r.problems[0].find("line "), std::string::npos) << r.problems[0];
}

TEST(ScanFileParse, BadBase64AndBadDerInsidePemReported) {
    auto r = parse("-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n"
                   "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n" + kA.pem);
    EXPECT_EQ(r.subjects.size(), 1u);
    ASSERT_EQ(r.problems.size(), 2u);
    EXPECT_NE(r.problems[0].find("bad base64"), std::string::npos);
    EXPECT_NE(r.problems[0].find("line 1"), std::string::npos) << r.problems[0];
    EXPECT_NE(r.problems[1].find("line 4"), std::string::npos) << r.problems[1];
}

TEST(ScanFileParse, DerAloneAndBackToBack) {
    EXPECT_EQ(parse(kA.der).subjects, (std::vector<std::string>{"CN=a"}));
    EXPECT_EQ(parse(kA.der + kB.der).subjects, (std::vector<std::string>{"CN=a", "CN=b"}));
    auto r = parse(kA.der + "\x30\x82\xff");
    EXPECT_EQ(r.subjects.size(), 1u);
    EXPECT_EQ(r.problems.size(), 1u);
}

TEST(ScanFileParse, DerThatLiesAboutItsLength) {
    std::string lying = kA.der;
    lying[2] = static_cast<char>(0x7f);
    auto r = parse(lying);
    EXPECT_TRUE(r.subjects.empty());
    EXPECT_EQ(r.problems.size(), 1u);
}

TEST(ScanFileParse, NothingToReadIsNoProblem) {
    for (std::string data : {std::string(), std::string("hello\n"), std::string("\x89PNG\r\n")}) {
        auto r = parse(data);
        EXPECT_TRUE(r.subjects.empty());
        EXPECT_TRUE(r.problems.empty());
    }
}

TEST(ScanFileParse, Pkcs7BundlesDerAndPem) {
    TempDir dir;
    spit(dir.file("ab.pem"), kA.pem + kB.pem);
    ASSERT_EQ(run({"openssl", "crl2pkcs7", "-nocrl", "-certfile", dir.file("ab.pem"), "-outform", "DER", "-out",
                   dir.file("ab.p7b")}).exit_code, 0);
    ASSERT_EQ(run({"openssl", "crl2pkcs7", "-nocrl", "-certfile", dir.file("ab.pem"), "-out", dir.file("ab.p7c")})
                  .exit_code, 0);
    EXPECT_EQ(parse(slurp(dir.file("ab.p7b"))).subjects, (std::vector<std::string>{"CN=a", "CN=b"}));
    EXPECT_EQ(parse(slurp(dir.file("ab.p7c"))).subjects, (std::vector<std::string>{"CN=a", "CN=b"}));
}

TEST(ScanFileParse, Pkcs12WithoutPasswordReadWithPasswordSkipped) {
    TempDir dir;
    spit(dir.file("a.pem"), kA.pem);
    ASSERT_EQ(run({"openssl", "pkcs12", "-export", "-nokeys", "-in", dir.file("a.pem"), "-passout", "pass:", "-out",
                   dir.file("empty.p12")}).exit_code, 0);
    ASSERT_EQ(run({"openssl", "pkcs12", "-export", "-nokeys", "-in", dir.file("a.pem"), "-passout", "pass:",
                   "-certpbe", "NONE", "-nomac", "-out", dir.file("plain.p12")}).exit_code, 0);
    ASSERT_EQ(run({"openssl", "pkcs12", "-export", "-nokeys", "-in", dir.file("a.pem"), "-passout", "pass:s3cret",
                   "-out", dir.file("locked.p12")}).exit_code, 0);
    EXPECT_EQ(parse(slurp(dir.file("empty.p12"))).subjects, (std::vector<std::string>{"CN=a"}));
    EXPECT_EQ(parse(slurp(dir.file("plain.p12"))).subjects, (std::vector<std::string>{"CN=a"}));
    auto locked = parse(slurp(dir.file("locked.p12")));
    EXPECT_TRUE(locked.subjects.empty());
    ASSERT_EQ(locked.skips.size(), 1u);
    EXPECT_NE(locked.skips[0].find("password"), std::string::npos);
    EXPECT_EQ(locked.skips[0].find("s3cret"), std::string::npos);
}

TEST(ScanFileParse, PiecesContinueIndexesAndLines) {
    Recorder r;
    auto counts = scan::parse_buffer(kA.pem, r, scan::ParseStart{5, 100});
    EXPECT_EQ(counts.certificates, 1);
    EXPECT_EQ(r.indexes, (std::vector<int>{6}));
    scan::parse_buffer("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n", r, scan::ParseStart{6, 100});
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_NE(r.problems[0].find("line 100"), std::string::npos) << r.problems[0];
}

TEST(ScanFileParse, Base64) {
    std::string out;
    EXPECT_TRUE(scan::decode_base64("aGVs\nbG8=", out));
    EXPECT_EQ(out, "hello");
    EXPECT_FALSE(scan::decode_base64("aGVsbG8", out));
    EXPECT_FALSE(scan::decode_base64("aG=Vs", out));
    EXPECT_FALSE(scan::decode_base64("a*==", out));
}

}  // namespace
