#pragma once
// Check characters for device IDs: ISO/IEC 7064 hybrid MOD 37,36 for
// alphanumeric IDs and Luhn (ISO/IEC 7812-1 annex B) for digit-only IDs.
// Both skip the separators '-', '_' and '.': they are layout, not content,
// and the template that places them is checked separately.
#include <string_view>

namespace device {

// '-', '_' and '.': allowed in IDs, ignored by both check algorithms.
bool is_separator(char c);

// 0-9 and A-Z: what MOD 37,36 covers and the check characters it produces.
bool is_mod37_36_char(char c);

// The check character for `body`. Precondition: every character of body is
// a separator or is_mod37_36_char (callers validate first; anything else
// counts as a separator so a broken precondition cannot read out of range).
char mod37_36_check(std::string_view body);

// True when the last character of `id` is the MOD 37,36 check character of
// what comes before it.
bool mod37_36_valid(std::string_view id);

// The Luhn check digit for `body`: digits and separators.
char luhn_check(std::string_view body);

// True when the last character of `id` is the Luhn check digit of the rest.
bool luhn_valid(std::string_view id);

}  // namespace device
