// The registry source: every active certificate, a page at a time, with the
// device ID and batch the registry knows it by.
#include "registry/registry.hpp"
#include "scan/file_parse.hpp"
#include "scan/sources.hpp"

namespace scan {
namespace {

constexpr int64_t kPage = 2000;

class RegistrySink : public ParseSink {
public:
    RegistrySink(Collector& out, Hasher& hash, const registry::Certificate& cert, const std::string& batch)
        : out_(out), hash_(hash), cert_(cert), batch_(batch) {}
    void certificate(const CertFields& fields, int) override {
        out_.add(fields, hash_(fields.der), where(), cert_.device_id);
    }
    void unreadable(const std::string& reason, int) override {
        out_.add_problem(Problem{"unreadable", where(), "certificate " + cert_.serial + ": " + reason});
    }
    void skipped(const std::string& reason) override { out_.add_problem(Problem{"skipped", where(), reason}); }

private:
    Location where() const { return Location{Source::registry, cert_.device_id, 0, batch_}; }
    Collector& out_;
    Hasher& hash_;
    const registry::Certificate& cert_;
    const std::string& batch_;
};

}  // namespace

void scan_registry(registry::Registry& reg, Collector& out) {
    Hasher hash;
    std::string after;
    for (;;) {
        auto page = reg.active_certificates(after, kPage);
        for (const auto& [cert, batch] : page) {
            RegistrySink sink(out, hash, cert, batch);
            ParseCounts c = parse_buffer(cert.pem, sink);
            if (c.certificates == 0 && c.unreadable == 0)
                sink.unreadable("the stored PEM holds no certificate", 0);
        }
        if (static_cast<int64_t>(page.size()) < kPage) break;
        after = page.back().first.fingerprint;
    }
}

}  // namespace scan
