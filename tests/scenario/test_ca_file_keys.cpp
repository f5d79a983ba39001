// Root, intermediate and device certificate with file keys, checked by openssl.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"

using namespace testing_support;
using scenario::openssl;
using scenario::pass_env;

TEST(CaFileKeys, RootIntermediateAndDeviceVerifyWithOpenssl) {
    TempDir dir;
    scenario::make_file_hierarchy(dir.path());
    EXPECT_EQ(file_mode(dir.file("root.key")), 0600u);
    EXPECT_EQ(file_mode(dir.file("int.key")), 0600u);
    // Keys are encrypted PKCS#8.
    EXPECT_NE(slurp(dir.file("root.key")).find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);

    auto r = provctl({"csr", "create", "--subject", "CN=ignored", "--new-key", "dev.key", "--out", "dev.csr"}, {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-000123", "--issuer-cert", "int.crt",
                 "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--chain", "root.crt",
                 "--out", "dev.crt", "--chain-out", "dev-chain.pem"},
                pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;

    r = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "-untrusted", "int.crt", "int.crt", "dev.crt"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = openssl({"verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "root.crt", "-untrusted", "int.crt", "dev.crt"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

    auto root = openssl({"x509", "-in", "root.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(root.find("X509v3 Basic Constraints: critical\n                CA:TRUE"), std::string::npos) << root;
    EXPECT_NE(root.find("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"), std::string::npos) << root;
    EXPECT_NE(root.find("X509v3 Subject Key Identifier"), std::string::npos);
    EXPECT_EQ(root.find("Extended Key Usage"), std::string::npos);
    EXPECT_NE(root.find("ecdsa-with-SHA256"), std::string::npos);

    auto inter = openssl({"x509", "-in", "int.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(inter.find("CA:TRUE, pathlen:0"), std::string::npos) << inter;
    EXPECT_NE(inter.find("Digital Signature, Certificate Sign, CRL Sign"), std::string::npos) << inter;
    EXPECT_NE(inter.find("X509v3 Authority Key Identifier"), std::string::npos);

    auto dev = openssl({"x509", "-in", "dev.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(dev.find("CA:FALSE"), std::string::npos) << dev;
    EXPECT_NE(dev.find("X509v3 Key Usage: critical\n                Digital Signature\n"), std::string::npos) << dev;
    EXPECT_NE(dev.find("TLS Web Client Authentication"), std::string::npos);
    EXPECT_NE(dev.find("URI:urn:dev:serial:SN-000123"), std::string::npos);
    EXPECT_NE(dev.find("Subject: CN = SN-000123"), std::string::npos) << dev;

    // The chain file holds leaf, intermediate and root, in that order.
    auto chain = slurp(dir.file("dev-chain.pem"));
    EXPECT_EQ(chain, slurp(dir.file("dev.crt")) + slurp(dir.file("int.crt")) + slurp(dir.file("root.crt")));
}
