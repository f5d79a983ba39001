// Template grammar: LITERAL* "{seq" [":" WIDTH] "}" LITERAL* ["{check}"].
// LITERAL is a device ID character (A-Z a-z 0-9 . _ -); with {check} the
// letters must be uppercase, since MOD 37,36 is defined over 0-9 and A-Z
// and a check that silently folded case would accept "sn-..." for "SN-...".
#include "device/id_template.hpp"

#include <charconv>

#include "device/device_id.hpp"
#include "device/device_id_check.hpp"
#include "util/error.hpp"

namespace device {

namespace {

// uint64_t has 20 decimal digits; a fixed width of 19 always fits.
constexpr unsigned kMaxWidth = 19;

[[noreturn]] void template_error(std::string_view text, size_t index, const std::string& what) {
    util::fail_input("id template '" + std::string(text) + "', column " + std::to_string(index + 1) + ": " + what);
}

std::string at(size_t index, char c) { return "position " + std::to_string(index + 1) + ": " + describe_char(c); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool has_letter(std::string_view s) {
    for (char c : s)
        if (!is_digit(c) && !is_separator(c)) return true;
    return false;
}

unsigned parse_width(std::string_view text, size_t open, std::string_view spec) {
    // spec is what follows "seq:"; "08" and "8" both mean eight zero-padded digits.
    unsigned w = 0;
    auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), w);
    if (spec.empty() || ec != std::errc() || end != spec.data() + spec.size() || w == 0 || w > kMaxWidth)
        template_error(text, open, "{seq:WIDTH} needs a width from 1 to " + std::to_string(kMaxWidth) + ", not '" +
                                       std::string(spec) + "'");
    return w;
}

}  // namespace

const char* algorithm_name(CheckAlgorithm a) {
    switch (a) {
        case CheckAlgorithm::mod37_36: return "ISO/IEC 7064 MOD 37,36";
        case CheckAlgorithm::luhn: return "Luhn";
        case CheckAlgorithm::none: break;
    }
    return "none";
}

IdTemplate IdTemplate::parse(std::string_view text) {
    IdTemplate t;
    t.text_ = std::string(text);
    bool seen_seq = false;
    bool seen_check = false;
    size_t check_column = 0;
    size_t first_lowercase = std::string_view::npos;
    for (size_t i = 0; i < text.size();) {
        char c = text[i];
        if (seen_check) template_error(text, check_column, "{check} must come last");
        if (c == '{') {
            size_t close = text.find('}', i);
            if (close == std::string_view::npos) template_error(text, i, "'{' without a closing '}'");
            std::string_view name = text.substr(i + 1, close - i - 1);
            if (name == "seq" || name.rfind("seq:", 0) == 0) {
                if (seen_seq) template_error(text, i, "a second {seq}; a template has exactly one");
                seen_seq = true;
                if (name.size() > 3) t.width_ = parse_width(text, i, name.substr(4));
            } else if (name == "check") {
                if (!seen_seq) template_error(text, i, "{check} must come last, after {seq}");
                seen_check = true;
                check_column = i;
            } else {
                template_error(text, i, "unknown placeholder '{" + std::string(name) +
                                            "}'; known: {seq}, {seq:WIDTH}, {check}");
            }
            i = close + 1;
            continue;
        }
        if (c == '}') template_error(text, i, "'}' without an opening '{'");
        if (!is_id_char(c)) template_error(text, i, describe_char(c) + " is not a letter, digit, '-', '_' or '.'");
        if (c >= 'a' && c <= 'z' && first_lowercase == std::string_view::npos) first_lowercase = i;
        (seen_seq ? t.suffix_ : t.prefix_) += c;
        ++i;
    }
    if (!seen_seq) template_error(text, text.size(), "no {seq} placeholder; a template has exactly one");
    if (seen_check) {
        if (first_lowercase != std::string_view::npos)
            template_error(text, first_lowercase, "lowercase letter before {check}: check characters cover 0-9 and A-Z only");
        t.algorithm_ = has_letter(t.prefix_) || has_letter(t.suffix_) ? CheckAlgorithm::mod37_36 : CheckAlgorithm::luhn;
    }
    size_t fixed = t.prefix_.size() + t.suffix_.size() + (seen_check ? 1 : 0);
    if (fixed + (t.width_ == 0 ? 1 : t.width_) > kMaxIdLength)
        template_error(text, 0, "its IDs would be longer than " + std::to_string(kMaxIdLength) + " characters");
    return t;
}

uint64_t IdTemplate::max_seq() const {
    if (width_ == 0 || width_ >= 20) return UINT64_MAX;
    uint64_t m = 1;
    for (unsigned i = 0; i < width_; ++i) m *= 10;
    return m - 1;
}

std::string IdTemplate::render(uint64_t seq) const {
    std::string digits = std::to_string(seq);
    if (digits.size() > width_ && width_ != 0)
        util::fail_input("sequence number " + digits + " does not fit in the " + std::to_string(width_) +
                         " digits of '" + text_ + "'");
    if (digits.size() < width_) digits.insert(0, width_ - digits.size(), '0');
    std::string id = prefix_ + digits + suffix_;
    if (algorithm_ == CheckAlgorithm::mod37_36) id += mod37_36_check(id);
    if (algorithm_ == CheckAlgorithm::luhn) id += luhn_check(id);
    if (id.size() > kMaxIdLength)
        util::fail_input("ID '" + id + "' for sequence number " + digits + " is longer than " +
                         std::to_string(kMaxIdLength) + " characters");
    return id;
}

IdReading IdTemplate::read(std::string_view id) const {
    IdReading r;
    if (auto problem = id_problem(id)) {
        r.error = *problem;
        return r;
    }
    // Structure first, in reading order: a wrong prefix or a letter in the
    // number is named where it is, which the check character cannot do.
    size_t check_len = algorithm_ == CheckAlgorithm::none ? 0 : 1;
    size_t fixed = prefix_.size() + suffix_.size() + check_len;
    size_t want = fixed + width_;
    if (width_ != 0 ? id.size() != want : id.size() < fixed + 1) {
        r.error = "the ID is " + std::to_string(id.size()) + " characters long, the template makes " +
                  (width_ != 0 ? std::to_string(want) : "at least " + std::to_string(fixed + 1)) +
                  ": a character was left out or added";
        return r;
    }
    for (size_t i = 0; i < prefix_.size(); ++i) {
        if (id[i] != prefix_[i]) {
            r.error = at(i, id[i]) + " where the template has '" + prefix_[i] + "'";
            return r;
        }
    }
    size_t seq_len = id.size() - fixed;
    std::string_view digits = id.substr(prefix_.size(), seq_len);
    for (size_t i = 0; i < digits.size(); ++i) {
        if (!is_digit(digits[i])) {
            r.error = at(prefix_.size() + i, digits[i]) + " is not a digit of the sequence number";
            return r;
        }
    }
    size_t suffix_at = prefix_.size() + seq_len;
    for (size_t i = 0; i < suffix_.size(); ++i) {
        if (id[suffix_at + i] != suffix_[i]) {
            r.error = at(suffix_at + i, id[suffix_at + i]) + " where the template has '" + suffix_[i] + "'";
            return r;
        }
    }
    uint64_t seq = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
        r.error = "the sequence number " + std::string(digits) + " is too large";
        return r;
    }
    if (check_len != 0) {
        size_t pos = id.size() - 1;
        char got = id[pos];
        std::string_view body = id.substr(0, pos);
        bool luhn = algorithm_ == CheckAlgorithm::luhn;
        char expected = luhn ? luhn_check(body) : mod37_36_check(body);
        if (luhn ? !is_digit(got) : !is_mod37_36_char(got)) {
            r.error = at(pos, got) + " cannot be a check character (" + (luhn ? "0-9" : "0-9, A-Z") + ")";
            return r;
        }
        if (got != expected) {
            r.error = "position " + std::to_string(pos + 1) + ": check character is " + got + ", expected " +
                      expected + ": a character was mistyped or two were swapped";
            return r;
        }
    }
    r.seq = seq;
    return r;
}

}  // namespace device
