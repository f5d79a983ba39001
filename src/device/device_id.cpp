#include "device/device_id.hpp"

#include <cstdio>

namespace device {

bool is_id_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

std::string describe_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
    if (u == 0x20) return "a space";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
    return buf;
}

std::optional<std::string> id_problem(std::string_view id) {
    if (id.empty()) return "the ID is empty";
    if (id.size() > kMaxIdLength)
        return "the ID is " + std::to_string(id.size()) + " characters long, more than " + std::to_string(kMaxIdLength);
    for (size_t i = 0; i < id.size(); ++i) {
        if (!is_id_char(id[i]))
            return "position " + std::to_string(i + 1) + ": " + describe_char(id[i]) +
                   " is not a letter, digit, '-', '_' or '.'";
    }
    return std::nullopt;
}

}  // namespace device
