// The batch fast path against OpenSSL's own parser and verifier: the template
// must give certificates OpenSSL reads back field for field.
#include "pki/device_template.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki/cert_builder.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"
#include "pki/verify.hpp"

using namespace pki;

namespace {

struct Ca {
    util::EvpPkey key;
    util::X509Ptr cert;
};

Ca make_ca(KeyType type) {
    Ca ca;
    ca.key = generate_key(type);
    auto name = parse_name("CN=Template Test CA,O=Provctl Tests", "test");
    CertSpec spec;
    spec.subject = name.get();
    spec.public_key = ca.key.get();
    spec.validity = {1790000000, 1890000000};
    spec.is_ca = true;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    ca.cert = build_certificate(spec, nullptr, ca.key.get(), nullptr);
    return ca;
}

util::X509Ptr parse(const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    return util::X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

}  // namespace

class DeviceTemplate : public ::testing::TestWithParam<KeyType> {};

TEST_P(DeviceTemplate, CertificatesParseVerifyAndCarryTheDeviceId) {
    Ca ca = make_ca(GetParam());
    auto sample = generate_key(KeyType::ec_p256);
    DeviceTemplateSpec spec{ca.cert.get(), ca.key.get(), false, "OU=Widgets,O=Acme", {1795000000, 1826536000}};
    DeviceCertTemplate t(spec, sample.get());
    DeviceCertTemplate::Signer signer(t);
    EcSpkiEncoder spki(sample.get());
    ASSERT_TRUE(spki.usable());
    // IDs of every length, so DER lengths cross the one-byte boundary.
    for (const std::string& id : {std::string("A"), std::string("SN-00000042G"), std::string(64, 'Z')}) {
        auto key = generate_key(KeyType::ec_p256);
        EXPECT_EQ(spki.encode(key.get()), spki_der(key.get()));
        DeviceCert dc = signer.issue(id, spki.encode(key.get()));
        auto x = parse(dc.der);
        ASSERT_TRUE(x) << id;
        EXPECT_EQ(X509_verify(x.get(), X509_get0_pubkey(ca.cert.get())), 1);
        EXPECT_TRUE(same_public_key(X509_get0_pubkey(x.get()), key.get()));
        EXPECT_EQ(format_name(X509_get_subject_name(x.get())), "CN=" + id + ",OU=Widgets,O=Acme");
        EXPECT_EQ(util::serial_hex(X509_get0_serialNumber(x.get())), dc.serial);
        EXPECT_EQ(dc.serial.size(), 40u);
        EXPECT_TRUE(carries_device_id(x.get(), id));
        EXPECT_EQ(*util::asn1_time_to_unix(X509_get0_notAfter(x.get())), 1826536000);
        // Re-encoding what OpenSSL parsed gives the same bytes: the DER is canonical.
        EXPECT_EQ(util::cert_der(x.get()), std::vector<uint8_t>(dc.der.begin(), dc.der.end()));
        // OpenSSL computes the same key identifiers itself.
        EXPECT_EQ(X509_check_ca(x.get()), 0);
        const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x.get());
        ASSERT_NE(ski, nullptr);
        unsigned char md[20];
        unsigned int len = 0;
        ASSERT_EQ(X509_pubkey_digest(x.get(), EVP_sha1(), md, &len), 1);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)), 20),
                  std::string(reinterpret_cast<char*>(md), len));
        EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x.get()), X509_get0_subject_key_id(ca.cert.get())), 0);
        EXPECT_EQ(X509_get_extended_key_usage(x.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
    }
}

INSTANTIATE_TEST_SUITE_P(Issuers, DeviceTemplate, ::testing::Values(KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa_3072));

TEST(DeviceTemplateSpec, ACnInTheFixedSubjectIsRefused) {
    Ca ca = make_ca(KeyType::ec_p256);
    auto sample = generate_key(KeyType::ec_p256);
    DeviceTemplateSpec spec{ca.cert.get(), ca.key.get(), false, "CN=Fixed,O=Acme", {1795000000, 1826536000}};
    try {
        DeviceCertTemplate t(spec, sample.get());
        FAIL() << "accepted a CN";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("leave out CN"), std::string::npos);
    }
}

TEST(DeviceTemplateSpec, AKeyThatIsNotTheIssuersSignsNothing) {
    Ca ca = make_ca(KeyType::ec_p256);
    auto other = generate_key(KeyType::ec_p256);
    auto sample = generate_key(KeyType::ec_p256);
    DeviceTemplateSpec spec{ca.cert.get(), other.get(), false, "", {1795000000, 1826536000}};
    EXPECT_THROW(DeviceCertTemplate(spec, sample.get()), util::Error);
}

TEST(Pkcs8Encoder, TheFastPathEqualsTheEncoder) {
    for (KeyType type : {KeyType::ec_p256, KeyType::ec_p384}) {
        auto sample = generate_key(type);
        Pkcs8Encoder enc(sample.get());
        EXPECT_TRUE(enc.fast());
        for (int i = 0; i < 20; ++i) {  // scalars with leading zero bytes come up now and then
            auto key = generate_key(type);
            EXPECT_EQ(enc.pem(key.get()), plaintext_private_key_pem(key.get()));
        }
    }
    auto rsa = generate_key(KeyType::rsa_3072);
    Pkcs8Encoder slow(rsa.get());
    EXPECT_FALSE(slow.fast());
    EXPECT_EQ(slow.pem(rsa.get()), plaintext_private_key_pem(rsa.get()));
}
