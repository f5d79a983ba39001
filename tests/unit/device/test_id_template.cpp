// Templates: rendering, reading back, and errors that name where they are.
#include <gtest/gtest.h>

#include "device/id_template.hpp"
#include "util/error.hpp"

using device::CheckAlgorithm;
using device::IdTemplate;

namespace {

// The message of the usage error parse() throws, or "" when it does not.
std::string template_error(const std::string& text) {
    try {
        IdTemplate::parse(text);
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        return e.what();
    }
    return "";
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

// Expected values worked out by hand from the algorithm definitions (and
// cross-checked by a separate implementation outside this code base).
TEST(IdTemplate, RendersKnownIds) {
    auto sn = IdTemplate::parse("SN-{seq:08}{check}");
    EXPECT_EQ(sn.algorithm(), CheckAlgorithm::mod37_36);
    EXPECT_EQ(sn.render(42), "SN-00000042G");
    EXPECT_EQ(sn.render(1), "SN-00000001Y");
    EXPECT_EQ(IdTemplate::parse("FAC7-{seq:06}{check}").render(1), "FAC7-000001D");
    EXPECT_EQ(IdTemplate::parse("FAC7-{seq:06}{check}").render(1000), "FAC7-0010000");
    EXPECT_EQ(IdTemplate::parse("SN-{seq}{check}").render(7), "SN-70");

    auto digits = IdTemplate::parse("{seq:09}{check}");
    EXPECT_EQ(digits.algorithm(), CheckAlgorithm::luhn);
    EXPECT_EQ(digits.render(42), "0000000422");
    EXPECT_EQ(digits.render(43), "0000000430");
    EXPECT_EQ(IdTemplate::parse("12-{seq:04}{check}").render(42), "12-00427");

    auto plain = IdTemplate::parse("{seq}");
    EXPECT_EQ(plain.algorithm(), CheckAlgorithm::none);
    EXPECT_EQ(plain.render(123), "123");
    EXPECT_EQ(IdTemplate::parse("dev-{seq:3}.x").render(5), "dev-005.x");
}

TEST(IdTemplate, RoundTrips) {
    for (const char* text : {"SN-{seq:08}{check}", "{seq:09}{check}", "{seq}", "FAC7-{seq:06}{check}", "A{seq}B{check}",
                             "SN-{seq}{check}"}) {
        auto t = IdTemplate::parse(text);
        for (uint64_t seq : {0ull, 1ull, 42ull, 999ull, 123456ull}) {
            std::string id = t.render(seq);
            auto r = t.read(id);
            EXPECT_TRUE(r.valid()) << text << " " << id << ": " << r.error;
            ASSERT_TRUE(r.seq.has_value());
            EXPECT_EQ(*r.seq, seq) << id;
        }
    }
}

TEST(IdTemplate, RenderRefusesANumberTooWide) {
    auto t = IdTemplate::parse("SN-{seq:02}{check}");
    EXPECT_EQ(t.max_seq(), 99u);
    EXPECT_THROW(t.render(100), util::Error);
}

TEST(IdTemplate, ReadNamesThePosition) {
    auto t = IdTemplate::parse("SN-{seq:08}{check}");
    EXPECT_EQ(t.read("SX-00000042G").error, "position 2: 'X' where the template has 'N'");
    EXPECT_EQ(t.read("SN-0000O042G").error, "position 8: 'O' is not a digit of the sequence number");
    EXPECT_EQ(t.read("SN-00000042g").error, "position 12: 'g' cannot be a check character (0-9, A-Z)");
    EXPECT_EQ(t.read("SN-00000042H").error,
              "position 12: check character is H, expected G: a character was mistyped or two were swapped");
    // A swap of two digits is caught by the check character.
    EXPECT_TRUE(contains(t.read("SN-00000024G").error, "check character is G, expected"));
    EXPECT_EQ(t.read("SN-0000042G").error,
              "the ID is 11 characters long, the template makes 12: a character was left out or added");
    EXPECT_EQ(t.read("SN 00000042G").error, "position 3: a space is not a letter, digit, '-', '_' or '.'");
    EXPECT_EQ(t.read("").error, "the ID is empty");
    auto r = t.read("SN-00000042G");
    EXPECT_TRUE(r.valid());
    EXPECT_EQ(r.seq, 42u);
}

TEST(IdTemplate, ReadVariableWidthAndSuffix) {
    auto t = IdTemplate::parse("A{seq}-B{check}");
    std::string id = t.render(77);
    EXPECT_TRUE(t.read(id).valid()) << id;
    EXPECT_EQ(t.read("A-B" + std::string(1, id.back())).error,
              "the ID is 4 characters long, the template makes at least 5: a character was left out or added");
    EXPECT_EQ(t.read("A77-C" + std::string(1, id.back())).error, "position 5: 'C' where the template has 'B'");
    auto luhn = IdTemplate::parse("{seq:09}{check}");
    EXPECT_EQ(luhn.read("000000042X").error, "position 10: 'X' cannot be a check character (0-9)");
    EXPECT_EQ(luhn.read("0000000423").error,
              "position 10: check character is 3, expected 2: a character was mistyped or two were swapped");
}

TEST(IdTemplate, ErrorsNameTheColumn) {
    EXPECT_EQ(template_error("SN-{serial}{check}"),
              "id template 'SN-{serial}{check}', column 4: unknown placeholder '{serial}'; known: {seq}, "
              "{seq:WIDTH}, {check}");
    EXPECT_TRUE(contains(template_error("{seq}-{seq}"), "column 7: a second {seq}"));
    EXPECT_TRUE(contains(template_error("SN-{seq}{check}-X"), "column 9: {check} must come last"));
    EXPECT_TRUE(contains(template_error("{check}{seq}"), "column 1: {check} must come last"));
    EXPECT_TRUE(contains(template_error("SN-{seq"), "column 4: '{' without a closing '}'"));
    EXPECT_TRUE(contains(template_error("SN}{seq}"), "column 3: '}' without an opening '{'"));
    EXPECT_TRUE(contains(template_error("SN {seq}"), "column 3: a space is not a letter"));
    EXPECT_TRUE(contains(template_error("SN-"), "column 4: no {seq} placeholder"));
    EXPECT_TRUE(contains(template_error("SN-{seq:0}"), "column 4: {seq:WIDTH} needs a width from 1 to 19"));
    EXPECT_TRUE(contains(template_error("SN-{seq:x}"), "column 4: {seq:WIDTH} needs a width"));
    EXPECT_TRUE(contains(template_error("sn-{seq}{check}"), "column 1: lowercase letter before {check}"));
    EXPECT_TRUE(contains(template_error(std::string(60, 'A') + "{seq:08}"), "longer than 64 characters"));
    EXPECT_EQ(template_error("sn-{seq}"), "");  // no check character: any case will do
}
