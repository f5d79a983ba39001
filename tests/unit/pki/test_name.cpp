#include <gtest/gtest.h>

#include "pki/name.hpp"
#include "util/error.hpp"

namespace {

std::string roundtrip(const std::string& text) {
    auto name = pki::parse_name(text, "--subject");
    return pki::format_name(name.get());
}

int exit_of(const std::string& text) {
    try {
        pki::parse_name(text, "--subject");
    } catch (const util::Error& e) {
        return static_cast<int>(e.code());
    }
    return 0;
}

}  // namespace

TEST(Name, Rfc4514KeepsMostSpecificFirst) { EXPECT_EQ(roundtrip("CN=Device CA,O=Acme,C=DE"), "CN=Device CA,O=Acme,C=DE"); }

TEST(Name, SlashFormIsInEncodingOrder) { EXPECT_EQ(roundtrip("/C=DE/O=Acme/CN=Device CA"), "CN=Device CA,O=Acme,C=DE"); }

TEST(Name, EscapedCommaStaysInValue) {
    auto name = pki::parse_name("CN=Widgets\\, Inc.,O=Acme", "--subject");
    EXPECT_EQ(pki::common_name(name.get()), "Widgets, Inc.");
}

TEST(Name, HexEscapes) {
    auto name = pki::parse_name("CN=caf\\C3\\A9", "--subject");
    EXPECT_EQ(pki::common_name(name.get()), "caf\xC3\xA9");
}

TEST(Name, EncodingOrderPutsCountryFirst) {
    auto name = pki::parse_name("CN=x,O=Acme,C=DE", "--subject");
    ASSERT_EQ(X509_NAME_entry_count(name.get()), 3);
    EXPECT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name.get(), 0))), NID_countryName);
}

TEST(Name, RefusesBadNames) {
    EXPECT_EQ(exit_of(""), 2);
    EXPECT_EQ(exit_of("CN="), 2);
    EXPECT_EQ(exit_of("XX=foo"), 2);
    EXPECT_EQ(exit_of("CN"), 2);
    EXPECT_EQ(exit_of("C=Germany"), 2);  // a country is two letters
}
