// Inputs that once made scan::parse_buffer misbehave (fuzz/scan_parse_fuzz.cpp
// drives the same function), kept so it never does again.
#include "scan/file_parse.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace {

struct Recorder : scan::ParseSink {
    int certificates = 0;
    std::vector<std::string> unreadable_reasons;
    std::vector<std::string> skipped_reasons;

    void certificate(const scan::CertFields&, int) override { ++certificates; }
    void unreadable(const std::string& reason, int) override { unreadable_reasons.push_back(reason); }
    void skipped(const std::string& reason) override { skipped_reasons.push_back(reason); }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

}  // namespace
