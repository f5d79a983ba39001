#include "util/duration.hpp"

#include "util/error.hpp"

namespace util {

namespace {

// A century is far beyond any sensible CRL or certificate period; the cap keeps arithmetic safe.
constexpr int64_t kMaxSeconds = int64_t{100} * 366 * 86400;

// Seconds in one of the units s, m, h, d, w; 0 for anything else.
int64_t unit_seconds(char unit) {
    switch (unit) {
        case 's': return 1;
        case 'm': return 60;
        case 'h': return 3600;
        case 'd': return 86400;
        case 'w': return 7 * 86400;
        default: return 0;
    }
}

// `digits` (at least one, all 0-9, not all zero) times `unit`, at most `max`.
std::optional<int64_t> scaled(const std::string& digits, int64_t unit, int64_t max) {
    if (digits.empty()) return std::nullopt;
    int64_t count = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        count = count * 10 + (c - '0');
        if (count * unit > max) return std::nullopt;
    }
    if (count == 0) return std::nullopt;
    return count * unit;
}

}  // namespace

std::optional<int64_t> parse_duration(const std::string& text) {
    if (text.size() < 2) return std::nullopt;
    int64_t unit = unit_seconds(text.back());
    if (unit == 0) return std::nullopt;
    return scaled(text.substr(0, text.size() - 1), unit, kMaxSeconds);
}

std::optional<int64_t> parse_duration_ms(const std::string& text) {
    if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0)
        return scaled(text.substr(0, text.size() - 2), 1, kMaxSeconds * 1000);
    if (text.size() < 2) return std::nullopt;
    int64_t unit = unit_seconds(text.back());
    if (unit == 0) return std::nullopt;
    return scaled(text.substr(0, text.size() - 1), unit * 1000, kMaxSeconds * 1000);
}

int64_t parse_duration_arg(const std::string& text, const std::string& option) {
    auto d = parse_duration(text);
    if (!d)
        fail_input(option + ": '" + text + "' is not a duration; use a positive number and a unit, such as 7d, 12h, 2w "
                   "(units s, m, h, d, w; at most 100 years)");
    return *d;
}

}  // namespace util
