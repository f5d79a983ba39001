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

TEST(CaFileKeys, ScopedIntermediateCarriesConstraintsAndPointers) {
    TempDir dir;
    auto env = pass_env();
    auto r = provctl({"ca", "init-root", "--subject", "/C=DE/O=Provctl Tests/CN=RSA Root", "--key", "file:root.key",
                      "--key-type", "rsa-3072", "--path-len", "1", "--passphrase", "env:PROVCTL_TEST_PASS",
                      "--not-before", "2026-01-01", "--not-after", "2046-01-01T00:00:00Z", "--out", "root.crt"},
                     env, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl({"ca", "issue-intermediate", "--subject", "CN=Factory 7,O=Provctl Tests", "--key", "file:f7.key",
                 "--key-type", "ec-p384", "--passphrase", "env:PROVCTL_TEST_PASS", "--issuer-cert", "root.crt",
                 "--issuer-key", "file:root.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--eku", "clientAuth",
                 "--permit-dns", "devices.example.com", "--exclude-dns", "bad.devices.example.com", "--permit-dn",
                 "O=Provctl Tests", "--crl-url", "http://crl.example.com/f7.crl", "--ocsp-url", "http://ocsp.example.com",
                 "--ca-issuers-url", "http://pki.example.com/root.crt", "--not-before", "2026-02-01", "--not-after",
                 "2036-02-01", "--out", "f7.crt", "--chain-out", "f7-chain.pem", "--json"},
                env, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"schema\": \"provctl.ca.issue-intermediate/v1\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"not_after\": \"2036-02-01T00:00:00Z\""), std::string::npos) << r.out;

    auto text = openssl({"x509", "-in", "f7.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(text.find("sha256WithRSAEncryption"), std::string::npos) << text;  // signed by the RSA root
    EXPECT_NE(text.find("NIST CURVE: P-384"), std::string::npos);
    EXPECT_NE(text.find("X509v3 Name Constraints: critical"), std::string::npos);
    EXPECT_NE(text.find("DNS:devices.example.com"), std::string::npos);
    EXPECT_NE(text.find("Excluded:\n                  DNS:bad.devices.example.com"), std::string::npos) << text;
    EXPECT_NE(text.find("DirName:O = Provctl Tests"), std::string::npos) << text;
    EXPECT_NE(text.find("URI:http://crl.example.com/f7.crl"), std::string::npos);
    EXPECT_NE(text.find("OCSP - URI:http://ocsp.example.com"), std::string::npos);
    EXPECT_NE(text.find("CA Issuers - URI:http://pki.example.com/root.crt"), std::string::npos);
    EXPECT_NE(text.find("CA:TRUE, pathlen:0"), std::string::npos);
    auto root_text = openssl({"x509", "-in", "root.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(root_text.find("CA:TRUE, pathlen:1"), std::string::npos);
    EXPECT_NE(root_text.find("Public-Key: (3072 bit)"), std::string::npos);
    r = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "f7.crt"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

    // A device under the constrained CA: its DNS SAN inside the permitted tree verifies,
    // one outside it is rejected by openssl's own name-constraint check.
    r = openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "d.key",
                 "-subj", "/O=Provctl Tests/CN=x", "-out", "d.csr"},
                dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& [dns, ok] : std::vector<std::pair<std::string, bool>>{{"a.devices.example.com", true},
                                                                          {"a.bad.devices.example.com", false}}) {
        std::string out = ok ? "good.crt" : "bad.crt";
        r = provctl({"cert", "sign-csr", "--csr", "d.csr", "--device-id", "SN-42", "--dns", dns, "--issuer-cert", "f7.crt",
                     "--issuer-key", "file:f7.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--days", "30",
                     "--out", out},
                    env, dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto v = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "-untrusted", "f7.crt", out}, dir.path());
        EXPECT_EQ(v.exit_code == 0, ok) << dns << ": " << v.out << v.err;
    }
}

TEST(CaFileKeys, IntermediateFromForeignCsr) {
    TempDir dir;
    scenario::make_file_hierarchy(dir.path());
    auto r = openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout",
                      "ext.key", "-subj", "/O=Elsewhere/CN=External Issuing CA", "-out", "ext.csr"},
                     dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl({"ca", "issue-intermediate", "--csr", "ext.csr", "--issuer-cert", "root.crt", "--issuer-key",
                 "file:root.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--days", "365", "--out", "ext.crt"},
                pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto text = openssl({"x509", "-in", "ext.crt", "-noout", "-subject"}, dir.path()).out;
    EXPECT_NE(text.find("O = Elsewhere, CN = External Issuing CA"), std::string::npos) << text;
    // The certificate binds the CSR's key.
    auto cert_pub = openssl({"x509", "-in", "ext.crt", "-noout", "-pubkey"}, dir.path()).out;
    auto csr_pub = openssl({"req", "-in", "ext.csr", "-noout", "-pubkey"}, dir.path()).out;
    EXPECT_EQ(cert_pub, csr_pub);
    r = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "ext.crt"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(CaFileKeys, ServerProfileVerifiesForItsHostName) {
    TempDir dir;
    scenario::make_file_hierarchy(dir.path());
    auto r = provctl({"csr", "create", "--subject", "CN=api.example.com", "--new-key", "web.key", "--key-type",
                      "rsa-3072", "--out", "web.csr"},
                     {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(file_mode(dir.file("web.key")), 0600u);
    r = provctl({"cert", "sign-csr", "--csr", "web.csr", "--profile", "server", "--dns", "api.example.com", "--dns",
                 "www.example.com", "--issuer-cert", "int.crt", "--issuer-key", "file:int.key", "--issuer-passphrase",
                 "env:PROVCTL_TEST_PASS", "--days", "90", "--out", "web.crt"},
                pass_env(), dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto text = openssl({"x509", "-in", "web.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos);
    EXPECT_NE(text.find("Digital Signature, Key Encipherment"), std::string::npos) << text;
    EXPECT_NE(text.find("DNS:api.example.com, DNS:www.example.com"), std::string::npos);
    r = openssl({"verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "www.example.com", "-CAfile",
                 "root.crt", "-untrusted", "int.crt", "web.crt"},
                dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = openssl({"verify", "-purpose", "sslserver", "-verify_hostname", "evil.example.com", "-CAfile", "root.crt",
                 "-untrusted", "int.crt", "web.crt"},
                dir.path());
    EXPECT_NE(r.exit_code, 0);
    // A server certificate needs a name.
    r = provctl({"cert", "sign-csr", "--csr", "web.csr", "--profile", "server", "--issuer-cert", "int.crt",
                 "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "none.crt"},
                pass_env(), dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("at least one --dns"), std::string::npos) << r.err;
}
