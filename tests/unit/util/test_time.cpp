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
