#pragma once
// A token bucket per API: at most `rate` requests in any second on average,
// bursts up to `burst`. Shared by every worker calling that API; acquire()
// blocks the caller until a token is free. Time comes through a seam so
// tests drive it without sleeping.
#include <chrono>
#include <functional>
#include <mutex>

namespace cloud {

class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;
    using Now = std::function<Clock::time_point()>;
    using Sleep = std::function<void(Clock::duration)>;

    // rate > 0 tokens per second; burst >= 1.
    TokenBucket(double rate, double burst, Now now = Clock::now, Sleep sleep = nullptr);

    // Takes one token, waiting as long as needed.
    void acquire();
    // Takes one token if one is free now.
    bool try_acquire();
    // The server said slow down (429, Retry-After): no token before `until`.
    void pause_until(Clock::time_point until);

    double rate() const { return rate_; }

private:
    // Tokens are refilled lazily from the time elapsed; call with mutex_ held.
    void refill(Clock::time_point now);

    double rate_, burst_;
    Now now_;
    Sleep sleep_;
    std::mutex mutex_;
    double tokens_;
    Clock::time_point last_;
    Clock::time_point paused_until_{};
};

}  // namespace cloud
