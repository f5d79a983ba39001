#include "util/time.hpp"

#include <cstdio>
#include <ctime>

#include <openssl/asn1.h>

#include "util/error.hpp"

namespace util {

std::string format_rfc3339(int64_t unix_seconds) {
    // Years 1..9999 by arithmetic (H. Hinnant's civil_from_days): the expiry
    // scan prints two per certificate and strftime dominated its output.
    constexpr int64_t kMin = -62135596800;  // 0001-01-01T00:00:00Z
    constexpr int64_t kMax = 253402300799;  // 9999-12-31T23:59:59Z
    if (unix_seconds >= kMin && unix_seconds <= kMax) {
        int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
        int64_t secs = unix_seconds - days * 86400;
        int64_t z = days + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int64_t day = doy - (153 * mp + 2) / 5 + 1;
        int64_t month = mp < 10 ? mp + 3 : mp - 9;
        int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        char buf[21] = "0000-00-00T00:00:00Z";
        auto put = [&](int pos, int64_t v, int width) {
            for (int i = width - 1; i >= 0; --i, v /= 10) buf[pos + i] = static_cast<char>('0' + v % 10);
        };
        put(0, year, 4);
        put(5, month, 2);
        put(8, day, 2);
        put(11, secs / 3600, 2);
        put(14, secs / 60 % 60, 2);
        put(17, secs % 60, 2);
        return std::string(buf, 20);
    }
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<int64_t> parse_time(const std::string& text) {
    int y, mo, d, h = 0, mi = 0, s = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return std::nullopt;
    size_t pos = 10;
    int64_t offset = 0;
    if (pos < text.size()) {
        if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
        int n = 0;
        if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || n != 8) return std::nullopt;
        pos += 1 + 8;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
        if (pos >= text.size()) return std::nullopt;  // RFC 3339 needs a zone
        if (text[pos] == 'Z' || text[pos] == 'z') {
            ++pos;
        } else if (text[pos] == '+' || text[pos] == '-') {
            int oh, om;
            n = 0;
            if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5) return std::nullopt;
            offset = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
            pos += 6;
        } else {
            return std::nullopt;
        }
        if (pos != text.size()) return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    std::time_t t = timegm(&tm);
    // timegm normalises 2026-02-31 into March; such a date is a typo.
    std::tm back{};
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1) return std::nullopt;
    return static_cast<int64_t>(t) - offset;
}

int64_t parse_time_arg(const std::string& text, const std::string& option) {
    auto t = parse_time(text);
    if (!t) fail_input(option + ": '" + text + "' is not a time; use RFC 3339 such as 2026-11-22T00:00:00Z or a date 2026-11-22");
    return *t;
}

std::optional<int64_t> asn1_time_to_unix(const ASN1_TIME* t) {
    if (t == nullptr) return std::nullopt;
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<int64_t>(timegm(&tm));
}

std::string format_asn1_time(const ASN1_TIME* t) {
    auto v = asn1_time_to_unix(t);
    return v ? format_rfc3339(*v) : std::string();
}

int64_t SystemClock::now() const { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace util
