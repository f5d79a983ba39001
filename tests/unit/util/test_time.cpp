#include <gtest/gtest.h>

#include "util/time.hpp"

TEST(Time, FormatsRfc3339Utc) { EXPECT_EQ(util::format_rfc3339(1577836800), "2020-01-01T00:00:00Z"); }

TEST(Time, ParsesDatesAndOffsets) {
    EXPECT_EQ(util::parse_time("2020-01-01"), 1577836800);
    EXPECT_EQ(util::parse_time("2020-01-01T00:00:00Z"), 1577836800);
    EXPECT_EQ(util::parse_time("2020-01-01T01:00:00+01:00"), 1577836800);
    EXPECT_EQ(util::parse_time("2020-01-01T00:00:00.123Z"), 1577836800);
}

TEST(Time, RefusesBadText) {
    EXPECT_FALSE(util::parse_time("2020-02-31"));
    EXPECT_FALSE(util::parse_time("2020-01-01T00:00:00"));  // no zone
    EXPECT_FALSE(util::parse_time("yesterday"));
    EXPECT_FALSE(util::parse_time("2020-13-01"));
}

// The arithmetic path agrees with gmtime/strftime from year 1000 to 9999
// (below 1000 glibc's %Y drops the zeros RFC 3339 requires).
TEST(Time, FormatsLikeStrftimeEverywhere) {
    auto reference = [](int64_t v) {
        std::time_t t = static_cast<std::time_t>(v);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(buf);
    };
    EXPECT_EQ(util::format_rfc3339(-62135596800), "0001-01-01T00:00:00Z");
    for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{951782400}, int64_t{951868799}, int64_t{-30610224000},
                      int64_t{253402300799}, int64_t{4107542399}, int64_t{-2208988800}})
        EXPECT_EQ(util::format_rfc3339(v), reference(v)) << v;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t v = static_cast<int64_t>(x % 284012524800ull) - 30610224000;
        ASSERT_EQ(util::format_rfc3339(v), reference(v)) << v;
    }
}
