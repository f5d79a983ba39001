#include "cloud/rate_limiter.hpp"

#include <algorithm>
#include <thread>

namespace cloud {

TokenBucket::TokenBucket(double rate, double burst, Now now, Sleep sleep)
    : rate_(rate), burst_(std::max(1.0, burst)), now_(std::move(now)), sleep_(std::move(sleep)), tokens_(0) {
    if (!sleep_) sleep_ = [](Clock::duration d) { std::this_thread::sleep_for(d); };
    last_ = now_();
    // Start with one token, not a full bucket: the first second never goes over the rate.
    tokens_ = 1.0;
}

void TokenBucket::refill(Clock::time_point now) {
    if (now <= last_) return;
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
}

bool TokenBucket::try_acquire() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto now = now_();
    if (now < paused_until_) return false;
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

void TokenBucket::acquire() {
    for (;;) {
        Clock::duration wait{};
        {
            std::lock_guard<std::mutex> lock(mutex_);
            auto now = now_();
            if (now < paused_until_) {
                wait = paused_until_ - now;
            } else {
                refill(now);
                if (tokens_ >= 1.0) {
                    tokens_ -= 1.0;
                    return;
                }
                wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((1.0 - tokens_) / rate_));
                if (wait <= Clock::duration::zero()) wait = std::chrono::microseconds(1);
            }
        }
        sleep_(wait);
    }
}

void TokenBucket::pause_until(Clock::time_point until) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (until > paused_until_) paused_until_ = until;
    // Nothing saved up before or during the pause may burst out afterwards:
    // one token at most, and refilling starts when the pause ends.
    refill(now_());
    tokens_ = std::min(tokens_, 1.0);
    if (paused_until_ > last_) last_ = paused_until_;
}

}  // namespace cloud
