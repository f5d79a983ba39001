// The DER walk must read exactly what OpenSSL reads: checked on certificates
// made here with chosen times and on the odd real-world corpus.
#include <dirent.h>

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/name.hpp"
#include "scan/cert_fields.hpp"
#include "scan/name_text.hpp"
#include "support/test_certs.hpp"
#include "support/test_support.hpp"
#include "util/ossl.hpp"
#include "util/time.hpp"

namespace {

using testing_support::make_test_cert;
using testing_support::make_test_cert_raw_times;

TEST(ScanCertFields, ReadsValiditySerialAndNames) {
    auto c = make_test_cert("device-7", 1700000000, 1800000000, 0x1234);
    scan::CertFields f;
    ASSERT_FALSE(scan::read_cert_fields(c.der, f));
    EXPECT_EQ(f.not_before, 1700000000);
    EXPECT_EQ(f.not_after, 1800000000);
    EXPECT_EQ(scan::serial_text(f.serial), "1234");
    EXPECT_EQ(scan::name_text(f.subject), "CN=device-7");
    EXPECT_EQ(f.der.size(), c.der.size());
}

TEST(ScanCertFields, TimesAsOpenSslReadsThem) {
    // UTCTime year 49 is 2049, 50 is 1950 (RFC 5280 4.1.2.5.1).
    EXPECT_EQ(scan::der_time_to_unix(V_ASN1_UTCTIME, "491231235959Z"), 2524607999);
    EXPECT_EQ(scan::der_time_to_unix(V_ASN1_UTCTIME, "500101000000Z"), -631152000);
    EXPECT_EQ(scan::der_time_to_unix(V_ASN1_GENERALIZEDTIME, "20240229120000Z"), 1709208000);
    // Forms outside RFC 5280 that OpenSSL still accepts: no seconds, an offset, a fraction.
    EXPECT_EQ(scan::der_time_to_unix(V_ASN1_UTCTIME, "2612010000Z"), 1796083200);
    EXPECT_EQ(scan::der_time_to_unix(V_ASN1_UTCTIME, "261201010000+0100"), 1796083200);
    EXPECT_EQ(scan::der_time_to_unix(V_ASN1_GENERALIZEDTIME, "20261201000000.5Z"), 1796083200);
    // Dates that do not exist.
    EXPECT_FALSE(scan::der_time_to_unix(V_ASN1_GENERALIZEDTIME, "20230229000000Z"));
    EXPECT_FALSE(scan::der_time_to_unix(V_ASN1_UTCTIME, "261301000000Z"));
    EXPECT_FALSE(scan::der_time_to_unix(V_ASN1_UTCTIME, "261201246000Z"));
    EXPECT_FALSE(scan::der_time_to_unix(V_ASN1_UTCTIME, "garbage"));
    EXPECT_FALSE(scan::der_time_to_unix(V_ASN1_INTEGER, "261201000000Z"));
}

TEST(ScanCertFields, UnrepresentableNotAfterIsNamed) {
    auto c = make_test_cert_raw_times("odd", V_ASN1_UTCTIME, "200101000000Z", V_ASN1_UTCTIME, "209913320000Z");
    scan::CertFields f;
    auto problem = scan::read_cert_fields(c.der, f);
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->find("notAfter '209913320000Z' is not a valid time"), std::string::npos) << *problem;
}

TEST(ScanCertFields, TruncatedAndLyingDerRefused) {
    auto c = make_test_cert("t", 1700000000, 1800000000);
    scan::CertFields f;
    EXPECT_TRUE(scan::read_cert_fields(std::string_view(c.der).substr(0, c.der.size() / 2), f));
    std::string lying = c.der;
    lying[2] = static_cast<char>(0x7f);  // the outer length now claims more than there is
    EXPECT_TRUE(scan::read_cert_fields(lying, f));
    EXPECT_TRUE(scan::read_cert_fields("", f));
    EXPECT_TRUE(scan::read_cert_fields("\x30", f));
}

TEST(ScanCertFields, SerialTextMatchesBignum) {
    for (std::string content : {std::string("\x00", 1), std::string("\x01"), std::string("\x00\x80", 2),
                                std::string("\x7f\xff\x01"), std::string("\x80"), std::string("\xff\x01")}) {
        std::string tlv = std::string("\x02") + static_cast<char>(content.size()) + content;
        const auto* p = reinterpret_cast<const unsigned char*>(tlv.data());
        util::Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(tlv.size())));
        ASSERT_TRUE(i);
        EXPECT_EQ(scan::serial_text(content), util::serial_hex(i.get()));
    }
}

TEST(ScanCertFields, NamesMatchFormatName) {
    // Every printable ASCII character, in places where RFC 4514 escapes differ.
    std::string all;
    for (char c = 0x20; c < 0x7f; ++c) all += c;
    for (std::string value : {all, std::string(" lead"), std::string("trail "), std::string("#hash"), std::string("a=b"),
                              std::string("caf\xc3\xa9"), std::string("x")}) {
        util::X509NamePtr n(X509_NAME_new());
        X509_NAME_add_entry_by_txt(n.get(), "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("DE"), -1, -1, 0);
        X509_NAME_add_entry_by_txt(n.get(), "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                   -1, -1, 0);
        X509_NAME_add_entry_by_txt(n.get(), "OU", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("a"), -1, -1, 0);
        X509_NAME_add_entry_by_txt(n.get(), "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("b"), -1, -1, -1);
        X509_NAME_add_entry_by_txt(n.get(), "1.2.3.4", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("u"), -1,
                                   -1, 0);
        unsigned char* der = nullptr;
        int len = i2d_X509_NAME(n.get(), &der);
        ASSERT_GT(len, 0);
        std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
        OPENSSL_free(der);
        // Compared with the name as decoded: DER sorts the members of a multi-valued RDN.
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
        util::X509NamePtr decoded(d2i_X509_NAME(nullptr, &p, len));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(scan::name_text(bytes), pki::format_name(decoded.get())) << value;
        // And without the unknown attribute, so the fast path renders it.
        X509_NAME_ENTRY_free(X509_NAME_delete_entry(n.get(), X509_NAME_entry_count(n.get()) - 1));
        der = nullptr;
        len = i2d_X509_NAME(n.get(), &der);
        std::string known(reinterpret_cast<char*>(der), static_cast<size_t>(len));
        OPENSSL_free(der);
        p = reinterpret_cast<const unsigned char*>(known.data());
        decoded.reset(d2i_X509_NAME(nullptr, &p, len));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(scan::name_text(known), pki::format_name(decoded.get())) << value;
    }
}

// The corpus: wherever d2i_X509 reads a certificate, the walk reads the same
// validity, serial and names.
TEST(ScanCertFields, AgreesWithOpenSslOnTheZlintCorpus) {
    std::string dir = testing_support::shared_testdata() + "/certs-zlint";
    std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
    if (!d) GTEST_SKIP() << dir << " is not there";
    int compared = 0;
    while (dirent* e = readdir(d.get())) {
        std::string name = e->d_name;
        if (name.size() < 5 || name.substr(name.size() - 4) != ".pem") continue;
        std::string text = testing_support::slurp(dir + "/" + name);
        util::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
        util::X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!x) continue;
        std::string der;
        {
            auto v = util::cert_der(x.get());
            der.assign(v.begin(), v.end());
        }
        scan::CertFields f;
        auto problem = scan::read_cert_fields(der, f);
        auto na = util::asn1_time_to_unix(X509_get0_notAfter(x.get()));
        auto nb = util::asn1_time_to_unix(X509_get0_notBefore(x.get()));
        if (!na || !nb) {
            EXPECT_TRUE(problem) << name << ": OpenSSL cannot read a validity date, the walk must say so";
            continue;
        }
        ASSERT_FALSE(problem) << name << ": " << *problem;
        EXPECT_EQ(f.not_after, *na) << name;
        EXPECT_EQ(f.not_before, *nb) << name;
        EXPECT_EQ(scan::serial_text(f.serial), util::serial_hex(X509_get0_serialNumber(x.get()))) << name;
        EXPECT_EQ(scan::name_text(f.subject), pki::format_name(X509_get_subject_name(x.get()))) << name;
        EXPECT_EQ(scan::name_text(f.issuer), pki::format_name(X509_get_issuer_name(x.get()))) << name;
        ++compared;
    }
    EXPECT_GT(compared, 1000);
}

}  // namespace
