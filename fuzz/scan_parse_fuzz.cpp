// The expiry scanner opens whatever files it finds under a folder, so its
// parser is the code most exposed to hostile bytes. This target drives
// scan::parse_buffer and the renderers a scan applies to every certificate.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scan/cert_fields.hpp"
#include "scan/file_parse.hpp"
#include "scan/name_text.hpp"

namespace {

// Counts what arrives so the parser's own counts can be checked against it:
// a mismatch would mean a finding reported twice or lost.
class Sink final : public scan::ParseSink {
public:
    void certificate(const scan::CertFields& cert, int index) override {
        ++counts.certificates;
        expect_next(index);
        last_index_ = index;
        // The renderers read subject, issuer and serial, and der is summed here, so
        // ASan sees any view that outlived the bytes it points into.
        checksum_ += scan::name_text(cert.subject).size();
        checksum_ += scan::name_text(cert.issuer).size();
        checksum_ += scan::serial_text(cert.serial).size();
        for (char c : cert.der) checksum_ += static_cast<unsigned char>(c);
        if (cert.der.empty()) std::abort();
    }

    void unreadable(const std::string& reason, int index) override {
        ++counts.unreadable;
        expect_next(index);
        touch(reason);
    }

    void skipped(const std::string& reason) override {
        ++counts.skipped;
        touch(reason);
    }

    scan::ParseCounts counts;
    size_t checksum() const { return checksum_; }

private:
    // Certificate indexes run from 1 without gaps; an unreadable part names the one it would have had.
    void expect_next(int index) const {
        if (index != last_index_ + 1) std::abort();
    }

    void touch(const std::string& reason) {
        if (reason.empty()) std::abort();
        for (char c : reason) checksum_ += static_cast<unsigned char>(c);
    }

    int last_index_ = 0;
    size_t checksum_ = 0;
};

// Written once per input so the reads that feed the checksum cannot be optimised away.
volatile size_t g_checksum = 0;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Sink sink;
    scan::ParseCounts counts = scan::parse_buffer(std::string_view(reinterpret_cast<const char*>(data), size), sink);
    if (counts.certificates != sink.counts.certificates || counts.unreadable != sink.counts.unreadable ||
        counts.skipped != sink.counts.skipped)
        std::abort();
    g_checksum = sink.checksum();
    return 0;
}
