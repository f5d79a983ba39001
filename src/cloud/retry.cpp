#include "cloud/retry.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace cloud {

Verdict classify(const Answer& a) {
    if (a.status >= 200 && a.status < 300) return Verdict::done;
    if (a.status == 0 || a.status == 429 || a.status >= 500) return Verdict::retry;
    // AWS answers some throttling with 400 and this type.
    // (LimitExceededException is a quota in AWS IoT, not a rate: waiting does not help.)
    if (a.error_type == "ThrottlingException" || a.error_type == "TooManyRequestsException") return Verdict::retry;
    return Verdict::fail;
}

std::optional<std::chrono::milliseconds> retry_after(const std::string& header, int64_t now) {
    if (header.empty()) return std::nullopt;
    if (std::all_of(header.begin(), header.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        if (header.size() > 6) return std::chrono::milliseconds(3'600'000);  // more than a day: an hour will do
        return std::chrono::milliseconds(std::stoll(header) * 1000);
    }
    // IMF-fixdate: "Wed, 02 Dec 2026 10:00:00 GMT".
    std::tm tm{};
    const char* end = strptime(header.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    int64_t at = timegm(&tm);
    if (at <= now) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(std::min<int64_t>(at - now, 3600) * 1000);
}

std::chrono::milliseconds next_wait(const Backoff& b, int attempt, std::optional<std::chrono::milliseconds> server,
                                    double random01) {
    if (server) return std::min(*server, std::chrono::milliseconds(3'600'000));
    int shift = std::clamp(attempt - 1, 0, 20);
    auto ceiling = std::min<int64_t>(b.cap.count(), b.base.count() << shift);
    return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(ceiling) * std::clamp(random01, 0.0, 1.0)));
}

}  // namespace cloud
