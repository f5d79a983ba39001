#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace util {

// Lowercase hex, the form fingerprints take everywhere in provctl.
std::string to_hex(const uint8_t* data, size_t len);
inline std::string to_hex(const std::vector<uint8_t>& v) { return to_hex(v.data(), v.size()); }
// Uppercase with colons, as serials and key identifiers are shown to humans.
std::string to_hex_upper(const uint8_t* data, size_t len);
// Parses hex (optional ':' separators); returns false on a bad digit.
bool from_hex(const std::string& text, std::vector<uint8_t>& out);

}  // namespace util
