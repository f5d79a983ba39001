#pragma once
// Standard base64 (RFC 4648 section 4, with '=' padding, no line breaks), as
// the device protocol carries binary fields.
#include <optional>
#include <string>
#include <string_view>

namespace util {

std::string base64_encode(std::string_view bytes);

// nullopt unless `text` is canonical padded base64 without whitespace.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace util
