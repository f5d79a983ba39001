// Path validation helpers and verify_path on certificates built in memory.
#include <functional>

#include <gtest/gtest.h>

#include <openssl/x509v3.h>

#include "pki/cert_builder.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"
#include "pki/verify.hpp"
#include "util/time.hpp"

namespace {

constexpr int64_t kStart = 1767225600;  // 2026-01-01
constexpr int64_t kYear = 365 * 86400;

struct Issued {
    util::EvpPkey key;
    util::X509Ptr cert;
};

Issued make_root() {
    Issued ca{pki::generate_key(pki::KeyType::ec_p256), nullptr};
    auto name = pki::parse_name("CN=Verify Root,O=Tests", "test");
    pki::CertSpec spec;
    spec.subject = name.get();
    spec.public_key = ca.key.get();
    spec.validity = {kStart, kStart + 10 * kYear};
    spec.is_ca = true;
    spec.key_usage = KU_KEY_CERT_SIGN | KU_CRL_SIGN;
    ca.cert = pki::build_certificate(spec, nullptr, ca.key.get(), nullptr);
    return ca;
}

util::X509Ptr make_leaf(const Issued& issuer, const std::string& subject, std::vector<pki::SubjectAltName> san) {
    auto key = pki::generate_key(pki::KeyType::ec_p256);
    auto name = pki::parse_name(subject, "test");
    pki::CertSpec spec;
    spec.subject = name.get();
    spec.public_key = key.get();
    spec.validity = {kStart, kStart + kYear};
    spec.key_usage = KU_DIGITAL_SIGNATURE;
    spec.ext_key_usage = {"clientAuth"};
    spec.san = std::move(san);
    return pki::build_certificate(spec, issuer.cert.get(), issuer.key.get(), nullptr);
}

util::X509Ptr another_reference(const util::X509Ptr& cert) {
    X509_up_ref(cert.get());
    return util::X509Ptr(cert.get());
}

int exit_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const util::Error& e) {
        return static_cast<int>(e.code());
    }
    return 0;
}

using Kind = pki::SubjectAltName::Kind;

}  // namespace

TEST(Verify, ParsePurpose) {
    EXPECT_EQ(pki::parse_purpose("any"), pki::Purpose::any);
    EXPECT_EQ(pki::parse_purpose("client"), pki::Purpose::client);
    EXPECT_EQ(pki::parse_purpose("server"), pki::Purpose::server);
    EXPECT_EQ(exit_of([] { pki::parse_purpose("email"); }), 2);
}

TEST(Verify, PolicyOidsDefaultToAnyPolicy) {
    auto oids = pki::policy_oids({});
    ASSERT_EQ(sk_ASN1_OBJECT_num(oids.get()), 1);
    EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(oids.get(), 0)), NID_any_policy);
}

TEST(Verify, PolicyOidsKeepOrder) {
    auto oids = pki::policy_oids({"2.16.840.1.101.3.2.1.48.1", "1.3.6.1.4.1.99999.1"});
    ASSERT_EQ(sk_ASN1_OBJECT_num(oids.get()), 2);
    char buf[80];
    OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(oids.get(), 1), 1);
    EXPECT_STREQ(buf, "1.3.6.1.4.1.99999.1");
}

TEST(Verify, PolicyOidsRefuseNamesAndJunk) {
    EXPECT_EQ(exit_of([] { pki::policy_oids({"CN"}); }), 2);
    EXPECT_EQ(exit_of([] { pki::policy_oids({"anyPolicy"}); }), 2);
    EXPECT_EQ(exit_of([] { pki::policy_oids({"1.2.x"}); }), 2);
}

TEST(Verify, DeviceIdFromSanUri) {
    auto root = make_root();
    auto leaf = make_leaf(root, "CN=something else", {{Kind::uri, "urn:dev:serial:SN-1"}});
    EXPECT_TRUE(pki::carries_device_id(leaf.get(), "SN-1"));
    EXPECT_FALSE(pki::carries_device_id(leaf.get(), "SN-10"));  // whole value, not a prefix
    EXPECT_FALSE(pki::carries_device_id(leaf.get(), "sn-1"));   // the serial is case-sensitive
    EXPECT_FALSE(pki::carries_device_id(leaf.get(), ""));
}

TEST(Verify, DeviceIdUrnPrefixIgnoresCase) {
    auto root = make_root();
    auto leaf = make_leaf(root, "CN=x", {{Kind::uri, "URN:DEV:SERIAL:SN-2"}});
    EXPECT_TRUE(pki::carries_device_id(leaf.get(), "SN-2"));
}

TEST(Verify, DeviceIdFromCommonName) {
    auto root = make_root();
    auto leaf = make_leaf(root, "CN=SN-3,O=Tests", {{Kind::dns, "sn-3.devices.example"}});
    EXPECT_TRUE(pki::carries_device_id(leaf.get(), "SN-3"));
    EXPECT_FALSE(pki::carries_device_id(leaf.get(), "sn-3.devices.example"));  // a DNS SAN is not a device ID
}

TEST(Verify, DescribeUsesProvctlConventions) {
    auto root = make_root();
    auto e = pki::describe(root.cert.get());
    EXPECT_EQ(e.subject, "CN=Verify Root,O=Tests");
    EXPECT_EQ(e.issuer, e.subject);
    EXPECT_EQ(e.sha256, util::cert_sha256_hex(root.cert.get()));
    EXPECT_EQ(e.not_before, "2026-01-01T00:00:00Z");
    ASSERT_FALSE(e.serial.empty());
    for (char c : e.serial) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) << e.serial;
}

TEST(Verify, ValidPathLeafFirst) {
    auto root = make_root();
    pki::VerifyMaterial m;
    m.leaf = make_leaf(root, "CN=SN-4", {{Kind::uri, "urn:dev:serial:SN-4"}});
    m.anchors.push_back(another_reference(root.cert));
    pki::VerifyParams p;
    p.at = kStart + 86400;
    p.purpose = pki::Purpose::client;
    p.device_id = "SN-4";
    auto r = pki::verify_path(m, p);
    EXPECT_TRUE(r.valid) << r.reason;
    EXPECT_EQ(r.error_code, X509_V_OK);
    EXPECT_EQ(r.reason, "");
    EXPECT_FALSE(r.error_subject);
    ASSERT_EQ(r.chain.size(), 2u);
    EXPECT_EQ(r.chain[0].subject, "CN=SN-4");
    EXPECT_EQ(r.chain[1].subject, "CN=Verify Root,O=Tests");
    EXPECT_EQ(r.checked_at, kStart + 86400);
}

TEST(Verify, ExpiredIsAResultNotAnException) {
    auto root = make_root();
    pki::VerifyMaterial m;
    m.leaf = make_leaf(root, "CN=SN-5", {});
    m.anchors.push_back(another_reference(root.cert));
    pki::VerifyParams p;
    p.at = kStart + 2 * kYear;
    auto r = pki::verify_path(m, p);
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.error_code, X509_V_ERR_CERT_HAS_EXPIRED);
    EXPECT_EQ(r.reason, X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED));
    EXPECT_EQ(r.error_depth, 0);
    EXPECT_EQ(r.error_subject, "CN=SN-5");
}

TEST(Verify, DeviceIdMismatchAfterAValidPath) {
    auto root = make_root();
    pki::VerifyMaterial m;
    m.leaf = make_leaf(root, "CN=SN-6", {{Kind::uri, "urn:dev:serial:SN-6"}});
    m.anchors.push_back(another_reference(root.cert));
    pki::VerifyParams p;
    p.at = kStart + 86400;
    p.device_id = "SN-7";
    auto r = pki::verify_path(m, p);
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.error_code, X509_V_ERR_APPLICATION_VERIFICATION);
    EXPECT_EQ(r.reason.rfind(pki::device_id_mismatch, 0), 0u) << r.reason;
    EXPECT_EQ(r.error_depth, 0);
    EXPECT_EQ(r.chain.size(), 2u);
}

TEST(Verify, NoAnchorIsBadInput) {
    auto root = make_root();
    pki::VerifyMaterial m;
    m.leaf = make_leaf(root, "CN=SN-8", {});
    EXPECT_EQ(exit_of([&] { pki::verify_path(m, pki::VerifyParams{}); }), 2);
    EXPECT_EQ(exit_of([] { pki::load_material("leaf.crt", {}, {}, {}); }), 2);
}
