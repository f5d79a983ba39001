#include <gtest/gtest.h>

#include "util/base64.hpp"

TEST(Base64, Rfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, coded] : vectors) {
        EXPECT_EQ(util::base64_encode(plain), coded);
        EXPECT_EQ(util::base64_decode(coded), std::optional<std::string>(plain)) << coded;
    }
    std::string bytes("\0\xff\x10", 3);
    EXPECT_EQ(util::base64_decode(util::base64_encode(bytes)), std::optional<std::string>(bytes));
}

TEST(Base64, RefusesWhatIsNotCanonical) {
    for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v\n", "Zm 9v", "Zg==Zg==", "Zm=v", "Zm9-", "Zm9_"})
        EXPECT_FALSE(util::base64_decode(bad)) << bad;
}
