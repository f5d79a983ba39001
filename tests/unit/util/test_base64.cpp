#include <gtest/gtest.h>

#include "util/base64.hpp"

TEST(Base64, EncodesTheRfc4648TestVectors) {
    const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(util::base64_encode(in[i]), out[i]);
        EXPECT_EQ(util::base64_decode(out[i]), std::string(in[i]));
    }
}

TEST(Base64, KeepsZeroBytesAndRefusesNonCanonicalText) {
    std::string bytes("\0\xff\0", 3);
    EXPECT_EQ(util::base64_decode(util::base64_encode(bytes)), bytes);
    for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v\n", "Zm-_", "=Zm9", "Zg=a"}) EXPECT_FALSE(util::base64_decode(bad)) << bad;
}
