// The token bucket and the retry rules, on a clock the test moves.
#include <gtest/gtest.h>

#include "cloud/rate_limiter.hpp"
#include "cloud/retry.hpp"

namespace {

using namespace std::chrono_literals;
using cloud::TokenBucket;

struct FakeTime {
    TokenBucket::Clock::time_point t{std::chrono::seconds(1000)};
    TokenBucket::Now now() {
        return [this] { return t; };
    }
    TokenBucket::Sleep sleep() {
        return [this](TokenBucket::Clock::duration d) { t += d; };
    }
};

TEST(TokenBucket, NeverMoreThanTheRateInAnySecondWindow) {
    FakeTime ft;
    TokenBucket b(10, 10, ft.now(), ft.sleep());
    std::vector<TokenBucket::Clock::time_point> at;
    for (int i = 0; i < 200; ++i) {
        b.acquire();
        at.push_back(ft.t);
    }
    // Count requests in every one-second window that starts at a request.
    for (size_t i = 0; i < at.size(); ++i) {
        size_t j = i;
        while (j < at.size() && at[j] - at[i] < 1s) ++j;
        EXPECT_LE(j - i, 11u) << "window starting at request " << i;  // the rate, plus the one at the window's edge
    }
    // And the whole run took as long as the rate says.
    EXPECT_GE(at.back() - at.front(), 19s);
    EXPECT_LE(at.back() - at.front(), 20s);
}

TEST(TokenBucket, APauseHoldsEveryoneAndSavesNoBurst) {
    FakeTime ft;
    TokenBucket b(5, 5, ft.now(), ft.sleep());
    ft.t += 10s;  // a full bucket
    b.pause_until(ft.t + 3s);
    EXPECT_FALSE(b.try_acquire());
    auto before = ft.t;
    b.acquire();
    EXPECT_GE(ft.t - before, 3s);
    EXPECT_FALSE(b.try_acquire());  // the bucket was emptied by the pause
}

TEST(Retry, ThrottlingServerErrorsAndNoAnswerAreRetriedValidationErrorsAreNot) {
    using cloud::Verdict;
    EXPECT_EQ(cloud::classify({200, "", ""}), Verdict::done);
    EXPECT_EQ(cloud::classify({201, "", ""}), Verdict::done);
    EXPECT_EQ(cloud::classify({429, "", ""}), Verdict::retry);
    EXPECT_EQ(cloud::classify({503, "", ""}), Verdict::retry);
    EXPECT_EQ(cloud::classify({0, "", ""}), Verdict::retry);
    EXPECT_EQ(cloud::classify({400, "ThrottlingException", ""}), Verdict::retry);
    EXPECT_EQ(cloud::classify({400, "InvalidRequestException", ""}), Verdict::fail);
    EXPECT_EQ(cloud::classify({409, "ResourceAlreadyExistsException", ""}), Verdict::fail);
    EXPECT_EQ(cloud::classify({404, "", ""}), Verdict::fail);
}

TEST(Retry, RetryAfterInSecondsOrAsADateWinsOverBackoff) {
    EXPECT_EQ(cloud::retry_after("3", 0), 3000ms);
    EXPECT_EQ(cloud::retry_after("", 0), std::nullopt);
    EXPECT_EQ(cloud::retry_after("soon", 0), std::nullopt);
    // 2026-12-02T10:00:00Z is 1796205600.
    EXPECT_EQ(cloud::retry_after("Wed, 02 Dec 2026 10:00:05 GMT", 1796205600), 5000ms);
    EXPECT_EQ(cloud::retry_after("Wed, 02 Dec 2026 09:00:00 GMT", 1796205600), 0ms);
    cloud::Backoff b;
    EXPECT_EQ(cloud::next_wait(b, 1, 7000ms, 0.5), 7000ms);
    EXPECT_EQ(cloud::next_wait(b, 1, std::nullopt, 0.999), 199ms);
    EXPECT_EQ(cloud::next_wait(b, 4, std::nullopt, 0.5), 800ms);
    EXPECT_EQ(cloud::next_wait(b, 30, std::nullopt, 0.5), 10000ms);  // capped at 20 s
    EXPECT_EQ(cloud::next_wait(b, 3, std::nullopt, 0.0), 0ms);
}

}  // namespace
