#pragma once
// When to try a cloud request again, and how long to wait first: throttling
// (HTTP 429, an AWS ThrottlingException), 5xx answers and connection errors
// are retried with exponential backoff and full jitter, honouring
// Retry-After; a 4xx validation error never is: its message is the
// provider's, shown as written.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cloud {

struct Answer {
    long status = 0;           // 0: no HTTP answer (connection failed, timed out)
    std::string error_type;    // AWS x-amzn-ErrorType / __type / "code", without namespace
    std::string retry_after;   // the Retry-After header, as sent
};

enum class Verdict { done, retry, fail };

// done for 2xx; retry for throttling, 5xx and no answer; fail otherwise.
Verdict classify(const Answer& a);

// Retry-After as delta-seconds ("3") or an HTTP date; nullopt when absent or unreadable.
// `now` is Unix seconds, for the date form.
std::optional<std::chrono::milliseconds> retry_after(const std::string& header, int64_t now);

struct Backoff {
    std::chrono::milliseconds base{200};
    std::chrono::milliseconds cap{20'000};
    int max_tries = 8;
};

// The wait before try `attempt` + 1 (attempt counts from 1): Retry-After when
// the server gave one, otherwise a random time in [0, min(cap, base * 2^(attempt-1))].
// `random01` is a number in [0, 1).
std::chrono::milliseconds next_wait(const Backoff& b, int attempt, std::optional<std::chrono::milliseconds> server,
                                    double random01);

}  // namespace cloud
