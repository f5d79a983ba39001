// Inputs that once made scan::parse_buffer misbehave (fuzz/scan_parse_fuzz.cpp
// drives the same function), kept so it never does again.
#include "scan/file_parse.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "pki/der.hpp"
#include "pki/key.hpp"
#include "scan/name_text.hpp"

namespace {

struct Recorder : scan::ParseSink {
    int certificates = 0;
    std::vector<std::string> subjects;
    std::vector<std::string> unreadable_reasons;
    std::vector<std::string> skipped_reasons;

    void certificate(const scan::CertFields& cert, int) override {
        ++certificates;
        subjects.push_back(scan::name_text(cert.subject));
    }
    void unreadable(const std::string& reason, int) override { unreadable_reasons.push_back(reason); }
    void skipped(const std::string& reason) override { skipped_reasons.push_back(reason); }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The literals below hold NUL bytes, so their length is the array's.
template <size_t N>
std::string_view bytes(const char (&literal)[N]) {
    return {literal, N - 1};
}

// Each BEGIN searched the rest of the file for an END line, so BEGIN lines
// alone were quadratic: 256 KB took 9 s, a megabyte over two minutes. The
// bound is loose on purpose: linear is milliseconds even under the sanitizers.
TEST(FileParseRegressions, BeginLinesWithoutEndAreReadInLinearTime) {
    constexpr std::string_view kLine = "-----BEGIN CERTIFICATE-----\n";
    std::string data;
    for (int i = 0; i < 20000; ++i) data += kLine;
    Recorder sink;
    auto start = std::chrono::steady_clock::now();
    scan::ParseCounts counts = scan::parse_buffer(data, sink);
    EXPECT_LT(seconds_since(start), 5.0);
    EXPECT_EQ(counts.unreadable, 20000);
    ASSERT_EQ(sink.unreadable_reasons.size(), 20000u);
    EXPECT_EQ(sink.unreadable_reasons.back(), "PEM block at line 20000: no END line for CERTIFICATE (truncated?)");
}

// The same with one END line at the very end: each BEGIN then read up to it.
TEST(FileParseRegressions, BeginLinesBeforeOneDistantEndAreReadInLinearTime) {
    constexpr std::string_view kLine = "-----BEGIN X-----\n";
    std::string data;
    for (int i = 0; i < 20000; ++i) data += kLine;
    data += "-----END X-----\n";
    Recorder sink;
    auto start = std::chrono::steady_clock::now();
    scan::ParseCounts counts = scan::parse_buffer(data, sink);
    EXPECT_LT(seconds_since(start), 5.0);
    EXPECT_EQ(counts.unreadable, 0);  // not a certificate label: nothing to report
}

// Remembering the last END line found must not hide the next one: unclosed
// blocks, then two closed ones, each reported at its own line.
TEST(FileParseRegressions, EveryEndLineIsStillFoundAfterUnclosedBlocks) {
    constexpr char kData[] =
        "-----BEGIN CERTIFICATE-----\n"
        "-----BEGIN CERTIFICATE-----\n"
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        "-----BEGIN CERTIFICATE-----\n"
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    Recorder sink;
    scan::ParseCounts counts = scan::parse_buffer(kData, sink);
    EXPECT_EQ(counts.certificates, 0);
    std::vector<std::string> expected = {
        "PEM block at line 1: no END line for CERTIFICATE (truncated?)",
        "PEM block at line 2: no END line for CERTIFICATE (truncated?)",
        "PEM block at line 3: not a DER certificate (bad outer SEQUENCE or length)",
        "PEM block at line 6: no END line for CERTIFICATE (truncated?)",
        "PEM block at line 7: not a DER certificate (bad outer SEQUENCE or length)",
    };
    EXPECT_EQ(sink.unreadable_reasons, expected);
}

// PFX { version 3, authSafe: data holding an empty SEQUENCE, macData { SHA-256,
// zero digest, zero salt, 2^31 - 1 iterations } }. The scan tried the MAC with
// no and with an empty password: two derivations of 2^31 rounds, most of an hour.
constexpr char kMacIterations[] =
    "\x30\x5b\x02\x01\x03\x30\x11\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\xa0\x04"
    "\x04\x02\x30\x00\x30\x43\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02"
    "\x01\x05\x00\x04\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x08\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x02\x04\x7f\xff\xff\xff";

// PFX without a MAC whose one safe is EncryptedData under PBES2: PBKDF2 with
// HMAC-SHA256 and 2^31 - 1 iterations, AES-256-CBC, 16 zero bytes of ciphertext.
constexpr char kPbkdf2Iterations[] =
    "\x30\x81\xa9\x02\x01\x03\x30\x81\xa3\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01"
    "\xa0\x81\x95\x04\x81\x92\x30\x81\x8f\x30\x81\x8c\x06\x09\x2a\x86\x48\x86\xf7\x0d"
    "\x01\x07\x06\xa0\x7f\x30\x7d\x02\x01\x00\x30\x78\x06\x09\x2a\x86\x48\x86\xf7\x0d"
    "\x01\x07\x01\x30\x59\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d\x30\x4c\x30\x2b"
    "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0c\x30\x1e\x04\x08\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x02\x04\x7f\xff\xff\xff\x30\x0c\x06\x08\x2a\x86\x48\x86\xf7\x0d\x02"
    "\x09\x05\x00\x30\x1d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x01\x2a\x04\x10\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x10\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

// The same safe under scrypt with N = 16384, r = 1, p = 200000: within
// OpenSSL's 32 MB memory cap, yet minutes of work per attempt.
constexpr char kScryptCost[] =
    "\x30\x81\xa1\x02\x01\x03\x30\x81\x9b\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01"
    "\xa0\x81\x8d\x04\x81\x8a\x30\x81\x87\x30\x81\x84\x06\x09\x2a\x86\x48\x86\xf7\x0d"
    "\x01\x07\x06\xa0\x77\x30\x75\x02\x01\x00\x30\x70\x06\x09\x2a\x86\x48\x86\xf7\x0d"
    "\x01\x07\x01\x30\x51\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d\x30\x44\x30\x23"
    "\x06\x09\x2b\x06\x01\x04\x01\xda\x47\x04\x0b\x30\x16\x04\x08\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x02\x02\x40\x00\x02\x01\x01\x02\x03\x03\x0d\x40\x30\x1d\x06\x09\x60"
    "\x86\x48\x01\x65\x03\x04\x01\x2a\x04\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x80\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00";

// kMacIterations with 100000 iterations: a count real tools use, so still tried.
constexpr char kModestMac[] =
    "\x30\x5a\x02\x01\x03\x30\x11\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\xa0\x04"
    "\x04\x02\x30\x00\x30\x42\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02"
    "\x01\x05\x00\x04\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x08\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x02\x03\x01\x86\xa0";

TEST(FileParseRegressions, Pkcs12MacWithHugeIterationCountIsSkippedUntried) {
    Recorder sink;
    scan::ParseCounts counts = scan::parse_buffer(bytes(kMacIterations), sink);
    EXPECT_EQ(counts.certificates, 0);
    EXPECT_EQ(counts.unreadable, 0);
    ASSERT_EQ(sink.skipped_reasons.size(), 1u);
    EXPECT_EQ(sink.skipped_reasons[0],
              "PKCS#12 key derivation asks for 2147483647 rounds, more than the scan spends on one file (4000000)");
}

TEST(FileParseRegressions, Pkcs12SafeWithHugePbkdf2IterationCountIsSkippedUntried) {
    Recorder sink;
    scan::ParseCounts counts = scan::parse_buffer(bytes(kPbkdf2Iterations), sink);
    EXPECT_EQ(counts.certificates, 0);
    EXPECT_EQ(counts.unreadable, 0);
    ASSERT_EQ(sink.skipped_reasons.size(), 1u);
    EXPECT_EQ(sink.skipped_reasons[0],
              "PKCS#12 key derivation asks for 2147483647 rounds, more than the scan spends on one file (4000000)");
}

TEST(FileParseRegressions, Pkcs12SafeWithCostlyScryptIsSkippedUntried) {
    Recorder sink;
    scan::ParseCounts counts = scan::parse_buffer(bytes(kScryptCost), sink);
    ASSERT_EQ(sink.skipped_reasons.size(), 1u);
    EXPECT_EQ(counts.skipped, 1);
    EXPECT_EQ(sink.skipped_reasons[0],
              "PKCS#12 key derivation asks for 3276800000 rounds, more than the scan spends on one file (4000000)");
}

TEST(FileParseRegressions, Pkcs12MacWithUsualIterationCountIsStillTried) {
    Recorder sink;
    scan::parse_buffer(bytes(kModestMac), sink);
    ASSERT_EQ(sink.skipped_reasons.size(), 1u);
    EXPECT_EQ(sink.skipped_reasons[0], "PKCS#12 is protected by a password");  // the zero digest matches no password
}

// The DER of a fresh self-signed certificate named CN=<cn>.
std::string self_signed(const char* cn) {
    util::EvpPkey key = pki::generate_key(pki::KeyType::ec_p256);
    util::X509Ptr x(X509_new());
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(x.get(), name);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
    X509_set_pubkey(x.get(), key.get());
    EXPECT_GT(X509_sign(x.get(), key.get(), EVP_sha256()), 0);
    return pki::der::encode<X509, i2d_X509>(x.get(), "a certificate");
}

// SignedData with every length indefinite, as `openssl cms -sign -stream`
// writes it: ContentInfo { signedData, [0] { SignedData { version 1, no
// digest algorithms, encapContentInfo { data }, [0] certificates, no signers } } }.
constexpr char kBerHead[] =
    "\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x80"  // ContentInfo, signedData, [0]
    "\x30\x80\x02\x01\x01\x31\x00"                                  // SignedData, version, digestAlgorithms
    "\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\x00\x00"  // encapContentInfo
    "\xa0\x80";                                                     // certificates
constexpr char kBerTail[] =
    "\x00\x00"           // end of certificates
    "\x31\x00"           // signerInfos
    "\x00\x00\x00\x00"   // end of SignedData and [0]
    "\x00\x00";          // end of ContentInfo

// Only a definite outer length led to the BER reader, so a streamed bundle
// was reported as "not a DER certificate" and its certificates went unseen.
TEST(FileParseRegressions, Pkcs7WithIndefiniteOuterLengthIsRead) {
    std::string data = std::string(bytes(kBerHead)) + self_signed("one") + self_signed("two") + std::string(bytes(kBerTail));
    Recorder sink;
    scan::ParseCounts counts = scan::parse_buffer(data, sink);
    EXPECT_EQ(counts.unreadable, 0) << (sink.unreadable_reasons.empty() ? "" : sink.unreadable_reasons[0]);
    EXPECT_EQ(sink.subjects, (std::vector<std::string>{"CN=one", "CN=two"}));
}

}  // namespace
