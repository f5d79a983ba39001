// Why these two algorithms.
//
// MOD 37,36 (ISO/IEC 7064, hybrid system, as used by ISAN and the IFPI GRid):
// the running value P stays in 1..36 and each character v does
//     S = (P + v) mod 36 (0 read as 36);  P = 2*S mod 37.
// The check character c is the one with (P + c) mod 36 == 1. Every step is a
// bijection of the state for a fixed character and, for a fixed state, an
// injection of the character, so changing any single character (check
// included) changes the final value: all single substitutions are caught.
// Doubling mod 37 (a prime) between additions mod 36 makes the order of two
// characters matter, so swapped neighbours are caught too, with one narrow
// exception: two characters whose values are one apart (8/9, A/B, Z/0), and
// then only at one of the 36 running states, 72 of 45,360 swaps (0.16%).
// tests/unit/device/test_device_id_check.cpp counts them exhaustively.
//
// Luhn: digits are weighted 1,2,1,2,... from the right, a doubled digit
// counting as the sum of its digits (0,2,4,6,8,1,3,5,7,9: a permutation), and
// the total must end in 0. Any single wrong digit moves the total by 1..9 mod
// 10: always caught. A swap of neighbours a,b is caught unless {a,b} is {0,9}
// (09 and 90 weigh the same); that is the known blind spot, kept because
// Luhn is what digit-only ID readers and barcode tools already check.
#include "device/device_id_check.hpp"

namespace device {

namespace {

constexpr int kMod = 36;

// 0-9 -> 0..9, A-Z -> 10..35, anything else -> -1 (skipped).
int value_of(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return -1;
}

char char_of(int v) { return static_cast<char>(v < 10 ? '0' + v : 'A' + (v - 10)); }

// The running value P after `text`, starting from P = M as the standard says.
int mod37_36_state(std::string_view text) {
    int p = kMod;
    for (char c : text) {
        int v = value_of(c);
        if (v < 0) continue;
        int s = (p + v) % kMod;
        if (s == 0) s = kMod;
        p = (s * 2) % (kMod + 1);
    }
    return p;
}

// Sum of the Luhn weights of the digits of `text`; `double_first` says
// whether the rightmost digit is doubled (true when a check digit follows).
int luhn_sum(std::string_view text, bool double_first) {
    int sum = 0;
    bool twice = double_first;
    for (auto it = text.rbegin(); it != text.rend(); ++it) {
        if (*it < '0' || *it > '9') continue;
        int d = *it - '0';
        if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
        twice = !twice;
    }
    return sum;
}

}  // namespace

bool is_separator(char c) { return c == '-' || c == '_' || c == '.'; }

bool is_mod37_36_char(char c) { return value_of(c) >= 0; }

char mod37_36_check(std::string_view body) {
    int p = mod37_36_state(body);
    // p is in 1..36, so 37 - p is in 1..36 and % 36 maps 36 to 0.
    return char_of((kMod + 1 - p) % kMod);
}

bool mod37_36_valid(std::string_view id) {
    if (id.empty() || !is_mod37_36_char(id.back())) return false;
    return mod37_36_check(id.substr(0, id.size() - 1)) == id.back();
}

char luhn_check(std::string_view body) {
    return static_cast<char>('0' + (10 - luhn_sum(body, true) % 10) % 10);
}

bool luhn_valid(std::string_view id) {
    if (id.empty() || id.back() < '0' || id.back() > '9') return false;
    return luhn_sum(id, false) % 10 == 0;
}

}  // namespace device
