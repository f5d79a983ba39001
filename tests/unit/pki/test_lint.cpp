// Lint rules, exercised through build_certificate so a failure really signs nothing.
#include <gtest/gtest.h>

#include <openssl/x509v3.h>

#include "pki/cert_builder.hpp"
#include "pki/key.hpp"
#include "pki/lint.hpp"
#include "pki/name.hpp"

namespace {

constexpr int64_t kStart = 1767225600;  // 2026-01-01
constexpr int64_t kYear = 365 * 86400;

struct Ca {
    util::EvpPkey key;
    util::X509Ptr cert;
};

Ca make_root(std::optional<int> path_len) {
    Ca ca{pki::generate_key(pki::KeyType::ec_p256), nullptr};
    auto name = pki::parse_name("CN=Lint Root", "test");
    pki::CertSpec spec;
    spec.subject = name.get();
    spec.public_key = ca.key.get();
    spec.validity = {kStart, kStart + 10 * kYear};
    spec.is_ca = true;
    spec.path_len = path_len;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    ca.cert = pki::build_certificate(spec, nullptr, ca.key.get(), nullptr);
    return ca;
}

// The rule names of the failure, or "" when it signed.
std::string failed_rules(const pki::CertSpec& spec, const X509* issuer, EVP_PKEY* key) {
    try {
        pki::build_certificate(spec, issuer, key, nullptr);
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage) << e.what();
        return e.what();
    }
    return "";
}

pki::CertSpec leaf_spec(const X509_NAME* name, const EVP_PKEY* key) {
    pki::CertSpec spec;
    spec.subject = name;
    spec.public_key = key;
    spec.validity = {kStart, kStart + kYear};
    spec.key_usage = KU_DIGITAL_SIGNATURE;
    return spec;
}

}  // namespace

TEST(Lint, GoodLeafSignsAndVerifies) {
    Ca root = make_root(std::nullopt);
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name("CN=leaf", "test");
    auto cert = pki::build_certificate(leaf_spec(name.get(), key.get()), root.cert.get(), root.key.get(), nullptr);
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(root.cert.get())), 1);
}

TEST(Lint, RootWithExtendedKeyUsageRefused) {
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name("CN=root", "test");
    pki::CertSpec spec;
    spec.subject = name.get();
    spec.public_key = key.get();
    spec.validity = {kStart, kStart + kYear};
    spec.is_ca = true;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    spec.ext_key_usage = {"clientAuth"};
    EXPECT_NE(failed_rules(spec, nullptr, key.get()).find("root-no-eku"), std::string::npos);
}

TEST(Lint, WeakKeyRefused) {
    Ca root = make_root(std::nullopt);
    util::EvpPkey weak(EVP_RSA_gen(2048));
    auto name = pki::parse_name("CN=leaf", "test");
    auto msg = failed_rules(leaf_spec(name.get(), weak.get()), root.cert.get(), root.key.get());
    EXPECT_NE(msg.find("key-strength: RSA 2048"), std::string::npos) << msg;
}

TEST(Lint, ValidityOutsideIssuerNamesBothDates) {
    Ca root = make_root(std::nullopt);
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name("CN=leaf", "test");
    auto spec = leaf_spec(name.get(), key.get());
    spec.validity.not_after = kStart + 11 * kYear;
    auto msg = failed_rules(spec, root.cert.get(), root.key.get());
    EXPECT_NE(msg.find("validity-within-issuer"), std::string::npos) << msg;
    EXPECT_NE(msg.find("2036-12-29T00:00:00Z"), std::string::npos) << msg;  // the issuer's not_after
}

TEST(Lint, PathLengthZeroIssuerCannotSignCa) {
    Ca root = make_root(0);
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name("CN=sub", "test");
    auto spec = leaf_spec(name.get(), key.get());
    spec.is_ca = true;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    EXPECT_NE(failed_rules(spec, root.cert.get(), root.key.get()).find("issuer-path-length"), std::string::npos);
}

TEST(Lint, KeyCertSignWithoutCaRefused) {
    Ca root = make_root(std::nullopt);
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name("CN=leaf", "test");
    auto spec = leaf_spec(name.get(), key.get());
    spec.key_usage = KU_KEY_CERT_SIGN;
    EXPECT_NE(failed_rules(spec, root.cert.get(), root.key.get()).find("ca-key-usage"), std::string::npos);
}

TEST(Lint, DuplicateExtensionFound) {
    Ca root = make_root(std::nullopt);
    util::X509Ptr x(X509_dup(root.cert.get()));
    X509_EXTENSION* ski = X509_get_ext(x.get(), X509_get_ext_by_NID(x.get(), NID_subject_key_identifier, -1));
    ASSERT_EQ(X509_add_ext(x.get(), ski, -1), 1);
    auto findings = pki::lint_tbs(x.get(), nullptr, false);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].rule, "extensions-unique");
}

TEST(Lint, ReusedSerialReported) {
    Ca root = make_root(std::nullopt);
    auto findings = pki::lint_tbs(root.cert.get(), nullptr, true);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].rule, "serial-unique");
}

TEST(Lint, IssuerKeyMustMatchIssuerCertificate) {
    Ca root = make_root(std::nullopt);
    auto other = pki::generate_key(pki::KeyType::ec_p256);
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name("CN=leaf", "test");
    auto msg = failed_rules(leaf_spec(name.get(), key.get()), root.cert.get(), other.get());
    EXPECT_NE(msg.find("does not match"), std::string::npos) << msg;
}

TEST(Serial, PositiveAndFullLength) {
    for (int i = 0; i < 50; ++i) {
        auto s = pki::random_serial();
        util::BnPtr bn(ASN1_INTEGER_to_BN(s.get(), nullptr));
        EXPECT_FALSE(BN_is_negative(bn.get()));
        EXPECT_EQ(BN_num_bits(bn.get()), 159);
    }
}
