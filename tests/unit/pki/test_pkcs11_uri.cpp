#include <gtest/gtest.h>

#include "pki/pkcs11.hpp"
#include "util/error.hpp"

using pki::parse_pkcs11_uri;
using pki::Pkcs11Uri;

namespace {

// The message of the usage error parsing `text` raises; fails the test if it parses.
std::string refusal(const std::string& text) {
    try {
        parse_pkcs11_uri(text);
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage) << text;
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
    std::vector<uint8_t> out;
    for (int b : v) out.push_back(static_cast<uint8_t>(b));
    return out;
}

}  // namespace

TEST(Pkcs11Uri, ReadsEveryPathAndQueryAttribute) {
    auto u = parse_pkcs11_uri(
        "pkcs11:token=Acme%20CA;manufacturer=SoftHSM%20project;serial=7d32c90e81cb55f1;model=SoftHSM%20v2;"
        "object=root-key;id=%01%02;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:CA_PIN");
    EXPECT_EQ(u.token, "Acme CA");
    EXPECT_EQ(u.manufacturer, "SoftHSM project");
    EXPECT_EQ(u.serial, "7d32c90e81cb55f1");
    EXPECT_EQ(u.model, "SoftHSM v2");
    EXPECT_EQ(u.object, "root-key");
    EXPECT_EQ(u.id, bytes({1, 2}));
    EXPECT_EQ(u.type, "private");
    EXPECT_EQ(u.module_path, "/usr/lib/softhsm/libsofthsm2.so");
    EXPECT_EQ(u.pin_source, "env:CA_PIN");
}

TEST(Pkcs11Uri, EmptyPathIsValid) {
    auto u = parse_pkcs11_uri("pkcs11:");
    EXPECT_TRUE(u.token.empty());
    EXPECT_TRUE(u.id.empty());
    EXPECT_EQ(u.to_string(), "pkcs11:");
}

TEST(Pkcs11Uri, PercentDecodesValues) {
    auto u = parse_pkcs11_uri("pkcs11:token=a%3Bb%3fc;object=caf%C3%A9%20key=1");
    EXPECT_EQ(u.token, "a;b?c");
    EXPECT_EQ(u.object, "caf\xC3\xA9 key=1");  // '=' inside a value is data
}

TEST(Pkcs11Uri, IdIsRawBytes) {
    EXPECT_EQ(parse_pkcs11_uri("pkcs11:id=%00%10%ff%FE").id, bytes({0x00, 0x10, 0xff, 0xfe}));
    EXPECT_EQ(parse_pkcs11_uri("pkcs11:id=ab%01").id, bytes({'a', 'b', 0x01}));
}

TEST(Pkcs11Uri, RefusesPinValueWithoutRepeatingIt) {
    for (const char* text : {"pkcs11:token=ca;object=k?pin-value=s3cr3t-1234",
                             "pkcs11:token=ca?module-path=/m.so&pin-value=s3cr3t-1234",
                             "pkcs11:token=ca;pin-value=s3cr3t-1234",
                             // pin-value wins over other mistakes, which would otherwise be reported first
                             "pkcs11:bogus=1;token=ca?unknown=2&pin-value=s3cr3t-1234"}) {
        std::string why = refusal(text);
        EXPECT_NE(why.find("pin-value"), std::string::npos) << why;
        EXPECT_NE(why.find("visible to every user"), std::string::npos) << why;
        EXPECT_NE(why.find("pin-source=env:NAME"), std::string::npos) << why;
        EXPECT_NE(why.find("file:PATH"), std::string::npos) << why;
        EXPECT_EQ(why.find("s3cr3t"), std::string::npos) << why;
    }
}

TEST(Pkcs11Uri, IgnoresAttributesThatDescribeTheLibrary) {
    auto u = parse_pkcs11_uri(
        "pkcs11:library-manufacturer=SoftHSM;library-description=x;library-version=2.6;x-vendor=1;token=ca"
        "?x-other=2");
    EXPECT_EQ(u.token, "ca");
    EXPECT_EQ(u.to_string(), "pkcs11:token=ca");
}

TEST(Pkcs11Uri, RefusesGarbage) {
    EXPECT_NE(refusal("file:ca.key").find("must start with 'pkcs11:'"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:tokn=ca").find("unknown path attribute 'tokn'"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca?modul-path=/x").find("unknown query attribute 'modul-path'"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token").find("name=value"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:=ca").find("name=value"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca;;object=k").find("empty attribute"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca;token=cb").find("'token' appears twice"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:id=%01;id=%02").find("'id' appears twice"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=").find("'token' has no value"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:object=a%G1").find("'object' has a '%'"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:object=a%4").find("two hex digits"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:object=a%00b").find("NUL"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:type=key").find("type=key"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:slot-id=3").find("token= or serial="), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca?module-name=softhsm2").find("module-path="), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca#frag").find("fragment"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca?pin-source=https://x/pin").find("pin-source must be"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca?pin-source=env:").find("variable name"), std::string::npos);
    EXPECT_NE(refusal("pkcs11:token=ca?pin-source=file://host/pin").find("host"), std::string::npos);
}

TEST(Pkcs11Uri, PinSourceBecomesASecretSpec) {
    auto spec = [](const std::string& source) { return parse_pkcs11_uri("pkcs11:?pin-source=" + source).pin_spec(); };
    EXPECT_EQ(spec("env:CA_PIN"), "env:CA_PIN");
    EXPECT_EQ(spec("file:/run/ca.pin"), "file:/run/ca.pin");
    EXPECT_EQ(spec("file:///run/ca.pin"), "file:/run/ca.pin");
    EXPECT_EQ(spec("/run/ca.pin"), "file:/run/ca.pin");  // RFC 7512: a bare path names a file
    EXPECT_EQ(spec("ca.pin"), "file:ca.pin");
    EXPECT_EQ(parse_pkcs11_uri("pkcs11:token=ca").pin_spec(), "");
}

TEST(Pkcs11Uri, ToStringParsesBackTheSame) {
    Pkcs11Uri u;
    u.token = "Acme CA; 2026?";
    u.manufacturer = "M&M";
    u.serial = "0042";
    u.model = "100%";
    u.object = "root key/é";
    u.id = bytes({0x00, 0x41, 0xff});
    u.type = "private";
    u.module_path = "/opt/hsm lib/p11.so";
    u.pin_source = "env:CA_PIN";
    std::string text = u.to_string();
    EXPECT_EQ(text.find(' '), std::string::npos) << text;
    EXPECT_NE(text.find("id=%00%41%FF"), std::string::npos) << text;  // every id byte escaped
    auto back = parse_pkcs11_uri(text);
    EXPECT_EQ(back.token, u.token);
    EXPECT_EQ(back.manufacturer, u.manufacturer);
    EXPECT_EQ(back.serial, u.serial);
    EXPECT_EQ(back.model, u.model);
    EXPECT_EQ(back.object, u.object);
    EXPECT_EQ(back.id, u.id);
    EXPECT_EQ(back.type, u.type);
    EXPECT_EQ(back.module_path, u.module_path);
    EXPECT_EQ(back.pin_source, u.pin_source);
}

TEST(Pkcs11Uri, ToStringNeverCarriesAPin) {
    auto u = parse_pkcs11_uri("pkcs11:token=ca;object=root?pin-source=file:/run/ca.pin&module-path=/m.so");
    std::string text = u.to_string();
    EXPECT_EQ(text, "pkcs11:token=ca;object=root?module-path=/m.so&pin-source=file:/run/ca.pin");
    EXPECT_EQ(text.find("pin-value"), std::string::npos);
}
