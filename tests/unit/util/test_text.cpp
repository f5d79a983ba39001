#include <gtest/gtest.h>

#include "util/text.hpp"

TEST(Text, ValidUtf8PassesThrough) {
    EXPECT_EQ(util::valid_utf8("plain"), "plain");
    EXPECT_EQ(util::valid_utf8("G\xC3\xB6teborg \xE2\x82\xAC \xF0\x9F\x94\x92"), "G\xC3\xB6teborg \xE2\x82\xAC \xF0\x9F\x94\x92");
}

TEST(Text, InvalidUtf8BecomesReplacementCharacters) {
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(util::valid_utf8("a\xFF" "b"), "a" + fffd + "b");
    EXPECT_EQ(util::valid_utf8("\xC0\xAF"), fffd + fffd);                 // overlong '/'
    EXPECT_EQ(util::valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);      // surrogate
    EXPECT_EQ(util::valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
    EXPECT_EQ(util::valid_utf8("end\xE2\x82"), "end" + fffd + fffd);       // cut short
}

TEST(Text, PrintableEscapesControlCharacters) {
    EXPECT_EQ(util::printable("a\x1b[31mred"), "a\\x1B[31mred");
    EXPECT_EQ(util::printable("tab\there\x7f"), "tab\\x09here\\x7F");
    EXPECT_EQ(util::printable("csi\xC2\x9B" "1m"), "csi\\u009B1m");
    EXPECT_EQ(util::printable("caf\xC3\xA9"), "caf\xC3\xA9");
}
