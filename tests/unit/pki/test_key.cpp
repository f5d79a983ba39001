#include <gtest/gtest.h>

#include <cstdlib>

#include "pki/key.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

TEST(Key, TypesParseAndDescribe) {
    EXPECT_EQ(pki::describe_key(pki::generate_key(pki::parse_key_type("ec-p256")).get()), "EC P-256");
    EXPECT_EQ(pki::describe_key(pki::generate_key(pki::parse_key_type("ec-p384")).get()), "EC P-384");
    EXPECT_THROW(pki::parse_key_type("rsa-2048"), util::Error);
}

TEST(Key, EncryptedFileRoundTripAndWrongPassphrase) {
    testing_support::TempDir dir;
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    util::Secret pass("right passphrase", "test");
    std::string pem = pki::encrypted_private_key_pem(key.get(), pass);
    EXPECT_NE(pem.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
    testing_support::spit(dir.file("k.pem"), pem);

    ::setenv("PROVCTL_UNIT_PASS", "right passphrase", 1);
    auto loaded = pki::load_private_key_file(dir.file("k.pem"), "env:PROVCTL_UNIT_PASS");
    EXPECT_TRUE(pki::same_public_key(loaded.get(), key.get()));

    ::setenv("PROVCTL_UNIT_PASS", "wrong passphrase", 1);
    try {
        pki::load_private_key_file(dir.file("k.pem"), "env:PROVCTL_UNIT_PASS");
        FAIL() << "wrong passphrase accepted";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        std::string msg = e.what();
        EXPECT_NE(msg.find("wrong passphrase (from env:PROVCTL_UNIT_PASS)"), std::string::npos) << msg;
        EXPECT_EQ(msg.find("wrong passphrase\""), std::string::npos);
    }
    ::unsetenv("PROVCTL_UNIT_PASS");
}

TEST(Key, CorruptFileNamed) {
    testing_support::TempDir dir;
    testing_support::spit(dir.file("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    try {
        pki::load_private_key_file(dir.file("bad.pem"), "env:UNUSED");
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("bad.pem"), std::string::npos);
    }
}

TEST(Key, WeakKeysNamed) {
    util::EvpPkey rsa2048(EVP_RSA_gen(2048));
    EXPECT_NE(pki::weak_key_reason(rsa2048.get()).find("3072"), std::string::npos);
    EXPECT_EQ(pki::weak_key_reason(pki::generate_key(pki::KeyType::ec_p256).get()), "");
}
