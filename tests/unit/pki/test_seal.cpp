#include "pki/seal.hpp"

#include <gtest/gtest.h>

#include "pki/cert_builder.hpp"
#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"
#include "support/test_support.hpp"

using namespace pki;
using testing_support::TempDir;

namespace {

struct Station {
    util::EvpPkey key;
    util::X509Ptr cert;
    std::string path;
};

Station make_station(const TempDir& dir, KeyType type, int key_usage) {
    // Stations hold leaf certificates from a CA, as in the field.
    auto ca_key = generate_key(KeyType::ec_p256);
    auto ca_name = parse_name("CN=Station CA", "test");
    CertSpec ca;
    ca.subject = ca_name.get();
    ca.public_key = ca_key.get();
    ca.validity = {1790000000, 1890000000};
    ca.is_ca = true;
    ca.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    auto ca_cert = build_certificate(ca, nullptr, ca_key.get(), nullptr);

    Station s;
    s.key = generate_key(type);
    auto name = parse_name("CN=Station", "test");
    CertSpec spec;
    spec.subject = name.get();
    spec.public_key = s.key.get();
    spec.validity = {1790000000, 1890000000};
    spec.key_usage = key_usage;
    s.cert = build_certificate(spec, ca_cert.get(), ca_key.get(), nullptr);
    static int n = 0;
    s.path = dir.file("station-" + std::to_string(n++) + ".crt");
    testing_support::spit(s.path, cert_pem(s.cert.get()));
    return s;
}

}  // namespace

TEST(Seal, RoundTripsForEcAndRsaRecipients) {
    TempDir dir;
    for (auto [type, ku] : {std::pair{KeyType::ec_p256, KU_KEY_AGREEMENT}, std::pair{KeyType::ec_p384, 0},
                            std::pair{KeyType::rsa_3072, KU_KEY_ENCIPHERMENT}}) {
        Station s = make_station(dir, type, ku);
        KeySealer sealer(s.path);
        EXPECT_EQ(sealer.recipient_subject(), "CN=Station");
        std::string secret = "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n";
        std::string sealed = sealer.seal(secret);
        EXPECT_EQ(sealed.find("secret"), std::string::npos);
        EXPECT_NE(sealer.seal(secret), sealed) << "a fresh content key each time";
        EXPECT_EQ(unseal(sealed, s.cert.get(), s.key.get(), "k.p7m"), secret);
        // Another station's key opens nothing.
        Station other = make_station(dir, type, ku);
        EXPECT_THROW(unseal(sealed, other.cert.get(), other.key.get(), "k.p7m"), util::Error);
    }
}

TEST(Seal, SessionsOfEcRecipientsAssembleCmsThatOpenSslOpens) {
    TempDir dir;
    for (KeyType type : {KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa_3072}) {
        Station s = make_station(dir, type, 0);
        KeySealer sealer(s.path);
        EXPECT_EQ(sealer.fast_ec(), type != KeyType::rsa_3072);
        KeySealer::Session session(sealer);
        // Past one agreement's lifetime, so a rekey happens in the middle.
        std::string first;
        for (int i = 0; i < KeySealer::kSessionSeals + 3; ++i) {
            std::string secret = "key number " + std::to_string(i);
            std::string sealed = session.seal(secret);
            if (i == 0) first = sealed;
            if (i % 97 == 0 || i >= KeySealer::kSessionSeals - 1) {
                ASSERT_EQ(unseal(sealed, s.cert.get(), s.key.get(), "k.p7m"), secret) << i;
            }
        }
        EXPECT_EQ(unseal(first, s.cert.get(), s.key.get(), "k.p7m"), "key number 0");
        Station other = make_station(dir, type, 0);
        EXPECT_THROW(unseal(first, other.cert.get(), other.key.get(), "k.p7m"), util::Error);
    }
}

TEST(Seal, RefusesRecipientsThatCannotEncrypt) {
    TempDir dir;
    Station sig_only = make_station(dir, KeyType::ec_p256, KU_DIGITAL_SIGNATURE);
    try {
        KeySealer s(sig_only.path);
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("keyAgreement"), std::string::npos);
    }
    Station rsa_sig = make_station(dir, KeyType::rsa_3072, KU_DIGITAL_SIGNATURE);
    EXPECT_THROW(KeySealer s(rsa_sig.path), util::Error);
}

TEST(Seal, GarbageIsNotCms) {
    TempDir dir;
    Station s = make_station(dir, KeyType::ec_p256, 0);
    try {
        unseal("not cms at all", s.cert.get(), s.key.get(), "junk.p7m");
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("junk.p7m: not a CMS file"), std::string::npos);
    }
}
