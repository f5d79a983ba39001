// Decoding certificates and requests: values are cross-checked with the
// openssl command, and the zlint corpus must be read or reported, never crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "pki/inspect.hpp"
#include "support/test_support.hpp"
#include "util/time.hpp"

using namespace testing_support;

namespace {

testing_support::RunResult openssl(const std::vector<std::string>& args, const std::string& cwd) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, cwd);
}

// "notAfter=Nov 22 10:00:00 2027 GMT\n" style output: the value after '='.
std::string field(const std::string& out, const std::string& key) {
    auto pos = out.find(key + "=");
    if (pos == std::string::npos) return {};
    auto end = out.find('\n', pos);
    return out.substr(pos + key.size() + 1, end - pos - key.size() - 1);
}

std::string lower_without_colons(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

const char* kConfig = R"(
[req]
distinguished_name = dn
prompt = no
[dn]
O = Provctl Tests
CN = Inspect Test
[ext]
basicConstraints = critical, CA:TRUE, pathlen:2
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage = serverAuth, clientAuth, 1.2.3.4
subjectAltName = DNS:a.example, IP:10.0.0.1, IP:2001:db8::1, email:ops@example.com, URI:https://x.example/p, dirName:dir_sect, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example
nameConstraints = permitted;DNS:example.com, permitted;IP:10.0.0.0/255.0.0.0, excluded;email:bad.example
crlDistributionPoints = URI:http://crl.example/a.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example, caIssuers;URI:http://ca.example/ca.crt
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[dir_sect]
CN = Dir Name
O = Dir Org
[leaf]
basicConstraints = CA:FALSE
subjectAltName = DNS:leaf.example
)";

class InspectTest : public ::testing::Test {
protected:
    void SetUp() override {
        spit(dir.file("req.cnf"), kConfig);
        auto r = openssl({"req", "-x509", "-config", "req.cnf", "-extensions", "ext", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-days", "30", "-set_serial",
                          "0x00C0FFEE", "-out", "ca.pem"},
                         dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        r = openssl({"req", "-new", "-config", "req.cnf", "-reqexts", "leaf", "-newkey", "rsa:2048", "-nodes",
                     "-keyout", "leaf.key", "-out", "leaf.csr"},
                    dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    pki::CertInfo inspect_pem(const std::string& name, int64_t at) {
        auto objects = pki::read_inspectable(dir.file(name));
        EXPECT_EQ(objects.size(), 1u);
        EXPECT_TRUE(objects.at(0).cert);
        return pki::inspect_certificate(objects.at(0).cert.get(), at);
    }

    TempDir dir;
};

}  // namespace

TEST_F(InspectTest, FieldsAgreeWithOpenssl) {
    auto x = openssl({"x509", "-in", "ca.pem", "-noout", "-serial", "-startdate", "-enddate", "-fingerprint", "-sha256"},
                     dir.path());
    ASSERT_EQ(x.exit_code, 0) << x.err;
    auto sha1 = openssl({"x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha1"}, dir.path());
    pki::CertInfo c = inspect_pem("ca.pem", 0);
    EXPECT_EQ(c.serial, field(x.out, "serial"));
    EXPECT_EQ(c.serial, "C0FFEE");
    EXPECT_EQ(c.sha256, lower_without_colons(field(x.out, "sha256 Fingerprint")));
    EXPECT_EQ(c.sha1, lower_without_colons(field(sha1.out, "sha1 Fingerprint")));
    ASSERT_TRUE(c.not_after && c.not_before);
    // openssl prints "Nov 22 10:00:00 2027 GMT"; compare through ASN1_TIME parsing of our value.
    util::Asn1TimePtr t(ASN1_TIME_set(nullptr, static_cast<time_t>(*c.not_after)));
    util::BioPtr bio(BIO_new(BIO_s_mem()));
    ASN1_TIME_print(bio.get(), t.get());
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    EXPECT_EQ(std::string(data, static_cast<size_t>(len)), field(x.out, "notAfter"));
    EXPECT_EQ(*c.not_after - *c.not_before, 30 * 86400);
    EXPECT_EQ(c.subject, "CN=Inspect Test,O=Provctl Tests");
    EXPECT_EQ(c.issuer, c.subject);
    EXPECT_TRUE(c.self_signed);
    EXPECT_EQ(c.key.type, "EC");
    EXPECT_EQ(c.key.bits, 256);
    EXPECT_EQ(c.key.curve, "P-256");
    EXPECT_EQ(c.signature_algorithm, "ecdsa-with-SHA256");
    EXPECT_TRUE(c.problems.empty()) << c.problems.front();
}

TEST_F(InspectTest, DecodesExtensions) {
    pki::CertInfo c = inspect_pem("ca.pem", 0);
    EXPECT_TRUE(c.is_ca);
    EXPECT_EQ(c.path_len, 2);
    EXPECT_EQ(c.key_usage, (std::vector<std::string>{"digitalSignature", "keyCertSign", "cRLSign"}));
    EXPECT_EQ(c.extended_key_usage, (std::vector<std::string>{"serverAuth", "clientAuth", "1.2.3.4"}));
    std::vector<pki::GeneralName> san = {
        {"dns", "a.example"},
        {"ip", "10.0.0.1"},
        {"ip", "2001:db8::1"},
        {"email", "ops@example.com"},
        {"uri", "https://x.example/p"},
        {"dirname", "O=Dir Org,CN=Dir Name"},
        {"other", "1.3.6.1.4.1.311.20.2.3:user@example"},
    };
    EXPECT_EQ(c.san, san);
    ASSERT_TRUE(c.name_constraints);
    EXPECT_EQ(c.name_constraints->permitted,
              (std::vector<pki::GeneralName>{{"dns", "example.com"}, {"ip", "10.0.0.0/255.0.0.0"}}));
    EXPECT_EQ(c.name_constraints->excluded, (std::vector<pki::GeneralName>{{"email", "bad.example"}}));
    EXPECT_EQ(c.crl_distribution_points, std::vector<std::string>{"http://crl.example/a.crl"});
    EXPECT_EQ(c.ocsp, std::vector<std::string>{"http://ocsp.example"});
    EXPECT_EQ(c.ca_issuers, std::vector<std::string>{"http://ca.example/ca.crt"});
    ASSERT_TRUE(c.subject_key_id && c.authority_key_id);
    EXPECT_EQ(c.subject_key_id->size(), 40u);
    EXPECT_EQ(*c.subject_key_id, *c.authority_key_id);  // self-signed: keyid of its own key
    auto text = openssl({"x509", "-in", "ca.pem", "-noout", "-ext", "subjectKeyIdentifier"}, dir.path()).out;
    EXPECT_NE(lower_without_colons(text).find(*c.subject_key_id), std::string::npos) << text;
}

TEST_F(InspectTest, DaysLeftFloorsAndGoesNegative) {
    pki::CertInfo probe = inspect_pem("ca.pem", 0);
    ASSERT_TRUE(probe.not_after);
    int64_t end = *probe.not_after;
    EXPECT_EQ(inspect_pem("ca.pem", end - 10 * 86400).days_left, 10);
    EXPECT_EQ(inspect_pem("ca.pem", end - 10 * 86400 + 1).days_left, 9);
    EXPECT_EQ(inspect_pem("ca.pem", end).days_left, 0);
    EXPECT_EQ(inspect_pem("ca.pem", end + 1).days_left, -1);
    EXPECT_EQ(inspect_pem("ca.pem", end + 86400 + 1).days_left, -2);
}

TEST_F(InspectTest, ReadsDerAndRequests) {
    ASSERT_EQ(openssl({"x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"}, dir.path()).exit_code, 0);
    ASSERT_EQ(openssl({"req", "-in", "leaf.csr", "-outform", "DER", "-out", "leaf.csr.der"}, dir.path()).exit_code, 0);
    auto der = pki::read_inspectable(dir.file("ca.der"));
    ASSERT_EQ(der.size(), 1u);
    ASSERT_TRUE(der[0].cert);
    EXPECT_EQ(pki::inspect_certificate(der[0].cert.get(), 0).sha256, inspect_pem("ca.pem", 0).sha256);

    for (const char* name : {"leaf.csr", "leaf.csr.der"}) {
        auto objects = pki::read_inspectable(dir.file(name));
        ASSERT_EQ(objects.size(), 1u) << name;
        ASSERT_TRUE(objects[0].csr) << name;
        pki::CsrInfo r = pki::inspect_csr(objects[0].csr.get());
        EXPECT_EQ(r.subject, "CN=Inspect Test,O=Provctl Tests");
        EXPECT_TRUE(r.signature_valid);
        EXPECT_EQ(r.key.type, "RSA");
        EXPECT_EQ(r.key.bits, 2048);
        EXPECT_FALSE(r.key.curve);
        EXPECT_FALSE(r.is_ca);
        EXPECT_EQ(r.san, (std::vector<pki::GeneralName>{{"dns", "leaf.example"}}));
        EXPECT_EQ(r.signature_algorithm, "sha256WithRSAEncryption");
    }
}

TEST_F(InspectTest, MixedPemKeepsOrderAndSkipsKeys) {
    spit(dir.file("mix.pem"), slurp(dir.file("leaf.key")) + slurp(dir.file("ca.pem")) + slurp(dir.file("leaf.csr")) +
                                  slurp(dir.file("ca.pem")));
    auto objects = pki::read_inspectable(dir.file("mix.pem"));
    ASSERT_EQ(objects.size(), 3u);
    EXPECT_TRUE(objects[0].cert);
    EXPECT_TRUE(objects[1].csr);
    EXPECT_TRUE(objects[2].cert);
}

TEST_F(InspectTest, TamperedRequestSignatureIsInvalid) {
    std::string pem = slurp(dir.file("leaf.csr"));
    auto req = pki::read_inspectable(dir.file("leaf.csr"));
    // Flip one bit of the signature (the DER's last byte).
    unsigned char* der = nullptr;
    int len = i2d_X509_REQ(req[0].csr.get(), &der);
    ASSERT_GT(len, 0);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    bytes.back() = static_cast<char>(bytes.back() ^ 1);
    auto objects = pki::parse_inspectable(bytes, "tampered");
    ASSERT_EQ(objects.size(), 1u);
    ASSERT_TRUE(objects[0].csr);
    EXPECT_FALSE(pki::inspect_csr(objects[0].csr.get()).signature_valid);
}

TEST(InspectRead, ReportsFilesWithNothingUsable) {
    TempDir dir;
    spit(dir.file("empty.pem"), "");
    spit(dir.file("key.pem"), "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n");
    spit(dir.file("junk.bin"), "not a certificate at all");
    spit(dir.file("broken.pem"), "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n");
    spit(dir.file("corrupt.pem"), "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n");
    std::map<std::string, std::string> expected = {
        {"empty.pem", "no certificate or certificate signing request found"},
        {"key.pem", "it holds only PRIVATE KEY"},
        {"junk.bin", "no certificate or certificate signing request found"},
        {"broken.pem", "PEM block 0 cannot be read"},
        {"corrupt.pem", "certificate at index 0 cannot be decoded"},
        {"missing.pem", "cannot read"},
    };
    for (const auto& [name, text] : expected) {
        try {
            pki::read_inspectable(dir.file(name));
            ADD_FAILURE() << name << " was accepted";
        } catch (const util::Error& e) {
            EXPECT_EQ(e.code(), util::ExitCode::usage) << name;
            std::string what = e.what();
            EXPECT_EQ(what.rfind(dir.file(name), 0), 0u) << what;
            EXPECT_NE(what.find(text), std::string::npos) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    }
}

TEST(InspectRead, SerialTextMatchesOpensslForSpecialValues) {
    util::Asn1IntegerPtr zero(ASN1_INTEGER_new());
    ASSERT_EQ(ASN1_INTEGER_set_int64(zero.get(), 0), 1);
    EXPECT_EQ(pki::serial_text(zero.get()), "00");
    util::Asn1IntegerPtr neg(ASN1_INTEGER_new());
    ASSERT_EQ(ASN1_INTEGER_set_int64(neg.get(), -255), 1);
    EXPECT_EQ(pki::serial_text(neg.get()), "-FF");
}

// Every file of the zlint corpus: decoded and turned into JSON, or refused
// with an exit-2 error that names it. Run under ASan/UBSan by scripts/test.sh.
TEST(InspectCorpus, ZlintCertificatesAreReadOrReported) {
    std::string root = shared_testdata() + "/certs-zlint";
    if (!std::filesystem::is_directory(root)) GTEST_SKIP() << root << " is not present";
    size_t files = 0, items = 0, with_problems = 0;
    std::map<std::string, size_t> refusals;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        ++files;
        std::string path = entry.path().string();
        try {
            for (auto& obj : pki::read_inspectable(path)) {
                nlohmann::json j;
                if (obj.cert) {
                    auto info = pki::inspect_certificate(obj.cert.get(), 1700000000);
                    with_problems += info.problems.empty() ? 0 : 1;
                    j = info;
                } else {
                    j = pki::inspect_csr(obj.csr.get());
                }
                // dump() throws on invalid UTF-8: every string must be clean.
                EXPECT_NO_THROW((void)j.dump()) << path;
                ++items;
            }
        } catch (const util::Error& e) {
            std::string what = e.what();
            EXPECT_EQ(e.code(), util::ExitCode::usage) << what;
            EXPECT_EQ(what.rfind(path + ": ", 0), 0u) << what;
            refusals[what.substr(path.size() + 2)]++;
        }
    }
    size_t refused = 0;
    std::string summary;
    for (const auto& [reason, n] : refusals) {
        refused += n;
        summary += "  " + std::to_string(n) + "  " + reason + "\n";
    }
    std::cout << files << " files: " << items << " certificates read (" << with_problems << " with problems), "
              << refused << " files refused:\n" << summary;
    // The corpus is fixed: nearly all of it must stay readable.
    EXPECT_GE(items, 1300u);
    EXPECT_LE(refused, 70u);
}
