#include <gtest/gtest.h>

#include "scan/findings.hpp"
#include "support/test_certs.hpp"

namespace {

constexpr int64_t kAt = 1800000000;
constexpr int64_t kDay = 86400;

scan::Policy policy() { return scan::Policy{kAt, 30 * kDay, 7 * kDay}; }

TEST(ScanFindings, ClassesAtTheirEdges) {
    auto p = policy();
    EXPECT_EQ(scan::classify(kAt - 1, p), scan::Status::expired);
    EXPECT_EQ(scan::classify(kAt, p), scan::Status::critical);  // valid through notAfter itself
    EXPECT_EQ(scan::classify(kAt + 7 * kDay, p), scan::Status::critical);
    EXPECT_EQ(scan::classify(kAt + 7 * kDay + 1, p), scan::Status::warning);
    EXPECT_EQ(scan::classify(kAt + 30 * kDay, p), scan::Status::warning);
    EXPECT_EQ(scan::classify(kAt + 30 * kDay + 1, p), scan::Status::ok);
    EXPECT_EQ(scan::days_left(kAt + kDay - 1, kAt), 0);
    EXPECT_EQ(scan::days_left(kAt - 1, kAt), -1);
    EXPECT_EQ(scan::days_left(kAt + 3 * kDay, kAt), 3);
}

TEST(ScanFindings, DuplicatesMergedWithEveryLocationAndSorted) {
    scan::Collector c(policy(), scan::Status::ok, scan::GroupBy::issuer);
    scan::Hasher hash;
    auto late = testing_support::make_test_cert("late", kAt - 100 * kDay, kAt + 400 * kDay, 1);
    auto soon = testing_support::make_test_cert("soon", kAt - 100 * kDay, kAt + 3 * kDay, 2);
    for (const auto& [cert, where] : {std::pair{late, "x.pem"}, std::pair{soon, "y.pem"}, std::pair{late, "b.pem"}}) {
        scan::CertFields f;
        ASSERT_FALSE(scan::read_cert_fields(cert.der, f));
        c.add(f, hash(f.der), scan::Location{scan::Source::file, where, 1, {}});
    }
    auto s = c.summary();
    EXPECT_EQ(s.certificates, 2);
    EXPECT_EQ(s.sightings, 3);
    EXPECT_EQ(s.critical, 1);
    EXPECT_EQ(s.ok, 1);
    auto f = c.take_findings();
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].subject, "CN=soon");
    ASSERT_EQ(f[1].locations.size(), 2u);
    EXPECT_EQ(f[1].locations[0].where, "b.pem");
    EXPECT_EQ(f[1].locations[1].where, "x.pem");
    // The fleet counts each certificate once, by issuer and month.
    auto fleet = c.fleet();
    EXPECT_EQ(fleet["CN=late"].size(), 1u);
    EXPECT_EQ(fleet["CN=late"].begin()->second, 1);
}

TEST(ScanFindings, OnlyWhatIsListedIsKept) {
    scan::Collector c(policy(), scan::Status::warning, scan::GroupBy::none);
    scan::Hasher hash;
    auto ok = testing_support::make_test_cert("ok", kAt - kDay, kAt + 400 * kDay, 1);
    auto warn = testing_support::make_test_cert("warn", kAt - kDay, kAt + 20 * kDay, 2);
    for (const auto& cert : {ok, warn}) {
        scan::CertFields f;
        ASSERT_FALSE(scan::read_cert_fields(cert.der, f));
        c.add(f, hash(f.der), scan::Location{});
    }
    EXPECT_EQ(c.summary().certificates, 2);
    auto listed = c.take_findings();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].subject, "CN=warn");
}

TEST(ScanFindings, FingerprintIsSha256OfTheDer) {
    scan::Hasher hash;
    EXPECT_EQ(scan::fingerprint_hex(hash("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
