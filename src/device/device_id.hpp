#pragma once
// The plain rule for a device ID, with or without a template: 1 to 64
// characters from A-Z a-z 0-9 '.' '_' '-'. It ends up in a certificate CN and
// a SAN URI (urn:dev:serial:ID), where anything else needs escaping.
#include <optional>
#include <string>
#include <string_view>

namespace device {

inline constexpr size_t kMaxIdLength = 64;

bool is_id_char(char c);

// What is wrong with `id`, naming the 1-based position of a bad character;
// nullopt when it is a well-formed ID.
std::optional<std::string> id_problem(std::string_view id);

// "'c'" for a printable character, "byte 0xNN" otherwise: error messages
// must stay one readable line whatever the user typed.
std::string describe_char(char c);

}  // namespace device
