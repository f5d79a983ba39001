#pragma once
// Lengths of time as people type them: "90s", "30m", "12h", "7d", "2w".
#include <cstdint>
#include <optional>
#include <string>

namespace util {

// A positive whole number followed by one unit: s, m, h, d or w. Seconds;
// nullopt on anything else (no unit, zero, a sign, spaces, overflow).
std::optional<int64_t> parse_duration(const std::string& text);
// Like parse_duration but exits 2 naming the option on bad text.
int64_t parse_duration_arg(const std::string& text, const std::string& option);

}  // namespace util
