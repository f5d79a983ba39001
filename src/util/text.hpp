#pragma once
// Text from certificates is attacker-chosen bytes: it must become valid UTF-8
// before it reaches JSON (nlohmann refuses anything else), and must lose its
// control characters before it reaches a terminal (escape sequences).
#include <string>
#include <string_view>

namespace util {

// Valid UTF-8 (RFC 3629): each invalid, overlong or surrogate sequence
// becomes U+FFFD. Valid input comes back unchanged.
std::string valid_utf8(std::string_view text);

// For terminals: valid_utf8, then C0 controls, DEL and C1 controls written
// as \xNN (C1 as \u00NN) so nothing in the text can drive the terminal.
std::string printable(std::string_view text);

// RFC 4180: the field quoted when it holds a comma, quote or line break, quotes doubled.
std::string csv_field(std::string_view value);

}  // namespace util
