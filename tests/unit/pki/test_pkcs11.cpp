// The key layer against a real SoftHSM2 token, in process: key lifetimes and
// the sharing of one loaded module between keys. ctest runs every test in a
// process of its own, so setting SOFTHSM2_CONF here touches no other test.
#include <sys/stat.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "pki/pkcs11.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

using namespace testing_support;

namespace {

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";

class Pkcs11Keys : public ::testing::Test {
protected:
    void SetUp() override {
        ::mkdir(home_.file("tokens").c_str(), 0700);
        spit(home_.file("softhsm2.conf"), "directories.tokendir = " + home_.file("tokens") + "\nlog.level = ERROR\n");
        ::setenv("SOFTHSM2_CONF", home_.file("softhsm2.conf").c_str(), 1);
        ::setenv("PROVCTL_UNIT_PIN", "unit-pin-2468", 1);
        auto r = run({"softhsm2-util", "--init-token", "--free", "--label", "unit", "--pin", "unit-pin-2468", "--so-pin",
                      "unit-so-1357"});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }

    pki::KeyAccess access(std::shared_ptr<pki::Pkcs11Modules> modules) const {
        pki::KeyAccess a;
        a.pin = "env:PROVCTL_UNIT_PIN";
        a.pkcs11_module = kModule;
        a.pkcs11_modules = std::move(modules);
        return a;
    }

    static pki::Pkcs11Uri uri(const std::string& object) { return pki::parse_pkcs11_uri("pkcs11:token=unit;object=" + object); }

    TempDir home_;
};

// Signs inside the token and checks the signature with the public half.
bool signs(const pki::SigningKey& key) {
    const unsigned char msg[] = "to be signed";
    util::EvpMdCtx ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, msg, sizeof msg) != 1)
        return false;
    std::vector<unsigned char> sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, msg, sizeof msg) != 1) return false;
    util::EvpMdCtx vctx(EVP_MD_CTX_new());
    return EVP_DigestVerifyInit(vctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey()) == 1 &&
           EVP_DigestVerify(vctx.get(), sig.data(), len, msg, sizeof msg) == 1;
}

}  // namespace

TEST_F(Pkcs11Keys, UncommittedNewKeyIsRemovedAndCommittedOneStays) {
    auto modules = pki::make_pkcs11_modules();
    {
        auto discarded = pki::create_pkcs11_key(uri("discarded"), pki::KeyType::ec_p256, access(modules));
        EXPECT_TRUE(discarded->on_token());
        EXPECT_TRUE(signs(*discarded));
    }
    try {
        pki::open_pkcs11_key(uri("discarded"), access(modules));
        ADD_FAILURE() << "the uncommitted key is still on the token";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("has no private key"), std::string::npos) << e.what();
    }

    std::string ref;
    {
        auto kept = pki::create_pkcs11_key(uri("kept"), pki::KeyType::ec_p384, access(modules));
        kept->commit();
        ref = kept->describe();
    }
    EXPECT_EQ(ref.rfind("pkcs11:token=unit;object=kept;id=%", 0), 0u) << ref;
    // The printed reference, id included, finds the key again.
    auto again = pki::open_pkcs11_key(pki::parse_pkcs11_uri(ref), access(modules));
    EXPECT_TRUE(signs(*again));
    EXPECT_TRUE(again->warnings().empty());
}

TEST_F(Pkcs11Keys, KeysSharingAModuleOutliveEachOther) {
    auto modules = pki::make_pkcs11_modules();
    auto root = pki::create_pkcs11_key(uri("root"), pki::KeyType::ec_p256, access(modules));
    root->commit();
    {
        // As in ca issue-intermediate: a second key on the same token while
        // the first is open, then gone first.
        auto other = pki::create_pkcs11_key(uri("other"), pki::KeyType::rsa_3072, access(modules));
        EXPECT_TRUE(signs(*other));
    }
    // Had the second key finalised the module, this session would be dead.
    EXPECT_TRUE(signs(*root));
}

TEST_F(Pkcs11Keys, SecondLoadOfALiveModuleIsRefusedNotSilentlyBroken) {
    auto root = pki::create_pkcs11_key(uri("root"), pki::KeyType::ec_p256, access(pki::make_pkcs11_modules()));
    root->commit();
    try {
        pki::open_pkcs11_key(uri("root"), access(pki::make_pkcs11_modules()));
        ADD_FAILURE() << "a second, independent load of the module was allowed";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::failed);
        EXPECT_NE(std::string(e.what()).find("is already in use in this process"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(signs(*root));
}
