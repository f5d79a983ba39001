#include <gtest/gtest.h>

#include "util/duration.hpp"

TEST(Duration, SecondsUnitsAreUnchangedAndMsIsNotOneOfThem) {
    EXPECT_EQ(util::parse_duration("90s"), 90);
    EXPECT_EQ(util::parse_duration("2w"), 14 * 86400);
    EXPECT_FALSE(util::parse_duration("200ms"));
}

TEST(Duration, MillisecondsTakeMsAndEveryOtherUnit) {
    EXPECT_EQ(util::parse_duration_ms("200ms"), 200);
    EXPECT_EQ(util::parse_duration_ms("1ms"), 1);
    EXPECT_EQ(util::parse_duration_ms("5s"), 5000);
    EXPECT_EQ(util::parse_duration_ms("30m"), 1800 * 1000);
    EXPECT_EQ(util::parse_duration_ms("12h"), int64_t{12} * 3600 * 1000);
    EXPECT_EQ(util::parse_duration_ms("7d"), int64_t{7} * 86400 * 1000);
    EXPECT_EQ(util::parse_duration_ms("2w"), int64_t{14} * 86400 * 1000);
    EXPECT_EQ(util::parse_duration_ms("36500d"), int64_t{36500} * 86400 * 1000);
}

TEST(Duration, MillisecondsRefuseWhatIsNotADuration) {
    for (const char* bad : {"", "ms", "s", "0ms", "0s", "5", "-5s", "+5s", " 5s", "5 s", "5S", "5mss", "1.5s", "5sm",
                            "36601d", "99999999999999999999ms", "5us"})
        EXPECT_FALSE(util::parse_duration_ms(bad)) << bad;
}
