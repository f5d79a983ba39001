#pragma once
// Lengths of time as people type them: "90s", "30m", "12h", "7d", "2w", and
// for short waits "200ms".
#include <cstdint>
#include <optional>
#include <string>

namespace util {

// A positive whole number followed by one unit: s, m, h, d or w. Seconds;
// nullopt on anything else (no unit, zero, a sign, spaces, overflow).
std::optional<int64_t> parse_duration(const std::string& text);
// Like parse_duration but exits 2 naming the option on bad text.
int64_t parse_duration_arg(const std::string& text, const std::string& option);

// Like parse_duration but also takes ms, and gives milliseconds: "200ms"
// is 200, "5s" is 5000. The same 100-year cap; nullopt on anything else.
std::optional<int64_t> parse_duration_ms(const std::string& text);

}  // namespace util
