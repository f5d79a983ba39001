#pragma once
// Standard base64 (RFC 4648 section 4, with padding), the encoding the
// device protocol and the cloud APIs use for binary fields.
#include <optional>
#include <string>
#include <string_view>

namespace util {

std::string base64_encode(std::string_view bytes);
// nullopt on anything but canonical padded base64 (no whitespace, no URL alphabet).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace util
