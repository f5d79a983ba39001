#pragma once
// Device ID templates such as "SN-{seq:08}{check}": literal text, one
// sequence number field and an optional check character at the end.
// The format is documented in docs/device-ids.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace device {

enum class CheckAlgorithm {
    none,       // no {check}
    mod37_36,   // ISO/IEC 7064 MOD 37,36: the literal text holds a letter
    luhn,       // Luhn: the ID before the check is digits and separators only
};

const char* algorithm_name(CheckAlgorithm a);

// What an ID said when read against a template: its sequence number, or
// the first thing wrong with it (naming the 1-based position where the
// check can tell).
struct IdReading {
    std::optional<uint64_t> seq;
    std::string error;  // empty when the ID is valid
    bool valid() const { return error.empty(); }
};

class IdTemplate {
public:
    // Parses a template; throws util::Error (usage) naming the 1-based
    // column of the first problem.
    static IdTemplate parse(std::string_view text);

    const std::string& text() const { return text_; }
    CheckAlgorithm algorithm() const { return algorithm_; }
    // Digits of the sequence field; 0 means as many as the number needs.
    unsigned width() const { return width_; }
    // The largest sequence number the template can hold.
    uint64_t max_seq() const;

    // The ID for sequence number `seq`; throws util::Error (usage) when it
    // does not fit the field width or the 64-character limit.
    std::string render(uint64_t seq) const;

    // Reads `id` back: structure, characters, check character.
    IdReading read(std::string_view id) const;

private:
    std::string text_;
    std::string prefix_;  // literal text before {seq}
    std::string suffix_;  // literal text between {seq} and {check} (or the end)
    unsigned width_ = 0;
    CheckAlgorithm algorithm_ = CheckAlgorithm::none;
};

}  // namespace device
