#include "pki/der.hpp"

#include <gtest/gtest.h>

using namespace pki;

TEST(Der, LengthsUseTheShortestForm) {
    EXPECT_EQ(der::tlv(0x04, std::string(5, 'a')).substr(0, 2), std::string("\x04\x05", 2));
    EXPECT_EQ(der::tlv(0x04, std::string(127, 'a')).substr(0, 2), std::string("\x04\x7f", 2));
    EXPECT_EQ(der::tlv(0x04, std::string(128, 'a')).substr(0, 3), std::string("\x04\x81\x80", 3));
    EXPECT_EQ(der::tlv(0x04, std::string(300, 'a')).substr(0, 4), std::string("\x04\x82\x01\x2c", 4));
    EXPECT_EQ(der::tlv(0x05, "").size(), 2u);
}

TEST(Der, ReadRoundTripsAndRefusesWhatDoesNotFit) {
    std::string inner = der::tlv(0x02, "\x01");
    std::string seq = der::tlv(0x30, inner + std::string(200, '\0'));
    std::string buffer = seq + "trailing";
    auto e = der::read(buffer);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->tag, 0x30);
    EXPECT_EQ(e->whole, seq);
    EXPECT_EQ(e->content.substr(0, inner.size()), inner);
    EXPECT_FALSE(der::read(seq.substr(0, seq.size() - 1)));     // lies about its length
    EXPECT_FALSE(der::read(std::string("\x30\x80\x00\x00", 4)));  // indefinite length
    EXPECT_FALSE(der::read(std::string("\x30", 1)));
    EXPECT_FALSE(der::read(std::string("\x1f\x01\x00", 3)));      // high tag number
}

TEST(Der, SpkiKeyBitsAreTheBitStringContent) {
    std::string alg = der::tlv(0x30, der::tlv(0x06, "\x2a\x03"));
    std::string spki = der::tlv(0x30, alg + der::tlv(0x03, std::string("\0key", 4)));
    auto bits = der::spki_key_bits(spki);
    ASSERT_TRUE(bits);
    EXPECT_EQ(*bits, "key");
    EXPECT_FALSE(der::spki_key_bits(der::tlv(0x30, alg)));
    EXPECT_FALSE(der::spki_key_bits(der::tlv(0x30, alg + der::tlv(0x03, std::string("\x01key", 4)))));
}

TEST(Der, PemWrapsAt64Columns) {
    std::string pem = der::pem("TEST", std::string(100, 'x'));
    EXPECT_EQ(pem.substr(0, 16), "-----BEGIN TEST-");
    auto first_nl = pem.find('\n');
    auto second_nl = pem.find('\n', first_nl + 1);
    EXPECT_EQ(second_nl - first_nl - 1, 64u);
    EXPECT_NE(pem.find("-----END TEST-----\n"), std::string::npos);
}
