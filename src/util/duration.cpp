#include "util/duration.hpp"

#include "util/error.hpp"

namespace util {

std::optional<int64_t> parse_duration(const std::string& text) {
    if (text.size() < 2) return std::nullopt;
    int64_t unit = 0;
    switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return std::nullopt;
    }
    // A century is far beyond any sensible CRL or certificate period; the cap keeps arithmetic safe.
    constexpr int64_t kMax = int64_t{100} * 366 * 86400;
    int64_t count = 0;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
        char c = text[i];
        if (c < '0' || c > '9') return std::nullopt;
        count = count * 10 + (c - '0');
        if (count * unit > kMax) return std::nullopt;
    }
    if (count == 0) return std::nullopt;
    return count * unit;
}

int64_t parse_duration_arg(const std::string& text, const std::string& option) {
    auto d = parse_duration(text);
    if (!d)
        fail_input(option + ": '" + text + "' is not a duration; use a positive number and a unit, such as 7d, 12h, 2w "
                   "(units s, m, h, d, w; at most 100 years)");
    return *d;
}

}  // namespace util
