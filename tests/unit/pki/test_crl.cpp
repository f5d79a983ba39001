// CRL building on certificates made in memory: structure, extensions,
// signature, and checks made before anything is signed.
#include <functional>

#include <gtest/gtest.h>

#include <openssl/x509v3.h>

#include "pki/cert_builder.hpp"
#include "pki/crl.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"
#include "pki/verify.hpp"
#include "util/duration.hpp"

namespace {

constexpr int64_t kStart = 1767225600;  // 2026-01-01
constexpr int64_t kYear = 365 * 86400;

struct Issued {
    util::EvpPkey key;
    util::X509Ptr cert;
};

Issued make_cert(const std::string& subject, const Issued* issuer, bool ca, int key_usage) {
    Issued out{pki::generate_key(pki::KeyType::ec_p256), nullptr};
    auto name = pki::parse_name(subject, "test");
    pki::CertSpec spec;
    spec.subject = name.get();
    spec.public_key = out.key.get();
    spec.validity = {kStart, kStart + (ca ? 10 : 1) * kYear};
    spec.is_ca = ca;
    spec.key_usage = key_usage;
    if (!ca) spec.ext_key_usage = {"clientAuth"};
    out.cert = pki::build_certificate(spec, issuer ? issuer->cert.get() : nullptr,
                                      issuer ? issuer->key.get() : out.key.get(), nullptr);
    return out;
}

Issued make_root() { return make_cert("CN=CRL Root,O=Tests", nullptr, true, KU_KEY_CERT_SIGN | KU_CRL_SIGN); }

pki::CrlRequest request(const Issued& ca, std::vector<pki::RevokedEntry> revoked = {}, int64_t number = 1) {
    pki::CrlRequest r;
    r.issuer = ca.cert.get();
    r.key = ca.key.get();
    r.revoked = std::move(revoked);
    r.number = number;
    r.this_update = kStart + 100;
    r.next_update = kStart + 100 + 7 * 86400;
    return r;
}

int exit_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const util::Error& e) {
        return static_cast<int>(e.code());
    }
    return 0;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const util::Error& e) {
        return e.what();
    }
    return "";
}

int reason_of(const X509_REVOKED* rev) {
    int crit = 0;
    auto* e = static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, nullptr));
    if (e == nullptr) return -1;
    int code = static_cast<int>(ASN1_ENUMERATED_get(e));
    ASN1_ENUMERATED_free(e);
    return code;
}

}  // namespace

TEST(Crl, ReasonNamesAndCodes) {
    const auto& names = pki::revocation_reasons();
    ASSERT_EQ(names.size(), 9u);
    EXPECT_EQ(names.front(), "unspecified");
    EXPECT_EQ(names.back(), "aACompromise");
    EXPECT_EQ(pki::revocation_reason_code("unspecified"), 0);
    EXPECT_EQ(pki::revocation_reason_code("keyCompromise"), 1);
    EXPECT_EQ(pki::revocation_reason_code("certificateHold"), 6);
    EXPECT_EQ(pki::revocation_reason_code("privilegeWithdrawn"), 9);
    EXPECT_EQ(pki::revocation_reason_code("aACompromise"), 10);
    EXPECT_FALSE(pki::revocation_reason_code("removeFromCRL"));
    EXPECT_FALSE(pki::revocation_reason_code("keycompromise"));  // names are exact
    EXPECT_FALSE(pki::revocation_reason_code(""));
    EXPECT_EQ(exit_of([] { pki::check_revocation_reason("stolen"); }), 2);
    auto msg = message_of([] { pki::check_revocation_reason("stolen"); });
    EXPECT_NE(msg.find("'stolen'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("keyCompromise, cACompromise"), std::string::npos) << msg;
    EXPECT_NE(message_of([] { pki::check_revocation_reason("removeFromCRL"); }).find("delta CRL"), std::string::npos);
    EXPECT_EQ(exit_of([] { pki::check_revocation_reason("superseded"); }), 0);
}

TEST(Crl, SerialsAreNormalised) {
    EXPECT_EQ(pki::normalise_serial("0a:1b"), "0A1B");
    EXPECT_EQ(pki::normalise_serial("0A1B"), "0A1B");
    EXPECT_EQ(pki::normalise_serial("a1b"), "0A1B");
    EXPECT_EQ(pki::normalise_serial("00:0a"), "0A");
    EXPECT_EQ(pki::normalise_serial("7f3e9c01d2"), "7F3E9C01D2");
    EXPECT_FALSE(pki::normalise_serial(""));
    EXPECT_FALSE(pki::normalise_serial("0x1F"));
    EXPECT_FALSE(pki::normalise_serial("12G4"));
    EXPECT_FALSE(pki::normalise_serial("-1F"));
    EXPECT_FALSE(pki::normalise_serial(std::string(80, 'F')));
}

TEST(Crl, NamesMatchAcrossSpellings) {
    auto name = pki::parse_name("CN=Widgets Issuing CA,O=Acme,C=DE", "test");
    EXPECT_TRUE(pki::name_matches(name.get(), pki::format_name(name.get())));
    EXPECT_TRUE(pki::name_matches(name.get(), "CN=Widgets Issuing CA,O=Acme,C=DE"));
    EXPECT_TRUE(pki::name_matches(name.get(), "CN=Widgets Issuing CA, O=Acme, C=DE"));
    EXPECT_TRUE(pki::name_matches(name.get(), "CN=widgets  issuing ca,O=ACME,C=de"));
    EXPECT_TRUE(pki::name_matches(name.get(), "/C=DE/O=Acme/CN=Widgets Issuing CA"));
    EXPECT_FALSE(pki::name_matches(name.get(), "CN=Widgets Issuing CA,O=Acme"));
    EXPECT_FALSE(pki::name_matches(name.get(), "O=Acme,CN=Widgets Issuing CA,C=DE"));
    EXPECT_FALSE(pki::name_matches(name.get(), "CN=Other CA,O=Acme,C=DE"));
    EXPECT_FALSE(pki::name_matches(name.get(), ""));
    EXPECT_FALSE(pki::name_matches(name.get(), "not a name"));
    // A comma in a value: RFC 4514 escapes it, and that text matches.
    auto comma = pki::parse_name("CN=Widgets\\, Inc. CA", "test");
    EXPECT_TRUE(pki::name_matches(comma.get(), "CN=Widgets\\, Inc. CA"));
    EXPECT_FALSE(pki::name_matches(comma.get(), "CN=Widgets"));
}

TEST(Crl, BuildsASignedV2CrlWithEntriesAndExtensions) {
    auto ca = make_root();
    auto crl = pki::build_crl(request(ca,
                                      {{"0C", kStart + 50, "keyCompromise"},
                                       {"0a", kStart + 10, "unspecified"},
                                       {"1F:2E", kStart + 20, ""},
                                       {"0B", kStart + 30, "aACompromise"}},
                                      42));
    EXPECT_EQ(X509_CRL_get_version(crl.get()), X509_CRL_VERSION_2);
    EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca.cert.get())), 0);
    EXPECT_EQ(util::asn1_time_to_unix(X509_CRL_get0_lastUpdate(crl.get())), kStart + 100);
    EXPECT_EQ(util::asn1_time_to_unix(X509_CRL_get0_nextUpdate(crl.get())), kStart + 100 + 7 * 86400);
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.cert.get())), 1);

    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
    ASSERT_EQ(sk_X509_REVOKED_num(revoked), 4);
    // Sorted by serial; unspecified carries no reason code.
    std::vector<std::string> serials;
    for (int i = 0; i < 4; ++i)
        serials.push_back(util::serial_hex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
    EXPECT_EQ(serials, (std::vector<std::string>{"0A", "0B", "0C", "1F2E"}));
    EXPECT_EQ(reason_of(sk_X509_REVOKED_value(revoked, 0)), -1);
    EXPECT_EQ(reason_of(sk_X509_REVOKED_value(revoked, 1)), 10);
    EXPECT_EQ(reason_of(sk_X509_REVOKED_value(revoked, 2)), 1);
    EXPECT_EQ(reason_of(sk_X509_REVOKED_value(revoked, 3)), -1);
    EXPECT_EQ(util::asn1_time_to_unix(X509_REVOKED_get0_revocationDate(sk_X509_REVOKED_value(revoked, 2))), kStart + 50);

    int crit = 0;
    util::Asn1IntegerPtr number(
        static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, &crit, nullptr)));
    ASSERT_TRUE(number);
    EXPECT_EQ(ASN1_INTEGER_get(number.get()), 42);
    EXPECT_EQ(crit, 0);
    auto* akid = static_cast<AUTHORITY_KEYID*>(X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, &crit, nullptr));
    ASSERT_NE(akid, nullptr);
    ASSERT_NE(akid->keyid, nullptr);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(akid->keyid, X509_get0_subject_key_id(ca.cert.get())), 0);
    AUTHORITY_KEYID_free(akid);

    // PEM round trip.
    std::string pem = pki::crl_pem(crl.get());
    EXPECT_EQ(pem.rfind("-----BEGIN X509 CRL-----", 0), 0u);
}

TEST(Crl, AnEmptyCrlIsValid) {
    auto ca = make_root();
    auto crl = pki::build_crl(request(ca));
    // OpenSSL leaves the list out (null) when it has no entries.
    EXPECT_LE(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 0);
    EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.cert.get())), 1);
}

TEST(Crl, RevokedLeafFailsPathValidation) {
    auto root = make_root();
    auto leaf = make_cert("CN=SN-1", &root, false, KU_DIGITAL_SIGNATURE);
    auto material = [&](util::X509CrlPtr crl) {
        pki::VerifyMaterial m;
        X509_up_ref(leaf.cert.get());
        m.leaf.reset(leaf.cert.get());
        X509_up_ref(root.cert.get());
        m.anchors.emplace_back(root.cert.get());
        m.crls.push_back(std::move(crl));
        return m;
    };
    pki::VerifyParams p;
    p.at = kStart + 200;
    auto ok = pki::verify_path(material(pki::build_crl(request(root))), p);
    EXPECT_TRUE(ok.valid) << ok.reason;
    std::string serial = util::serial_hex(X509_get0_serialNumber(leaf.cert.get()));
    auto no = pki::verify_path(material(pki::build_crl(request(root, {{serial, kStart + 150, "keyCompromise"}}, 2))), p);
    EXPECT_FALSE(no.valid);
    EXPECT_EQ(no.error_code, X509_V_ERR_CERT_REVOKED);
    EXPECT_EQ(no.error_depth, 0);
}

TEST(Crl, RefusesAWrongKeyBeforeSigning) {
    auto ca = make_root();
    auto other = pki::generate_key(pki::KeyType::ec_p256);
    auto req = request(ca);
    req.key = other.get();
    EXPECT_EQ(exit_of([&] { pki::build_crl(req); }), 2);
    EXPECT_NE(message_of([&] { pki::build_crl(req); }).find("does not match"), std::string::npos);
}

TEST(Crl, RefusesIssuersThatCannotSignCrls) {
    auto root = make_root();
    auto no_crl_sign = make_cert("CN=No CRL Sign", &root, true, KU_KEY_CERT_SIGN);
    EXPECT_EQ(exit_of([&] { pki::build_crl(request(no_crl_sign)); }), 2);
    EXPECT_NE(message_of([&] { pki::build_crl(request(no_crl_sign)); }).find("cRLSign"), std::string::npos);
    auto leaf = make_cert("CN=SN-1", &root, false, KU_DIGITAL_SIGNATURE);
    EXPECT_NE(message_of([&] { pki::build_crl(request(leaf)); }).find("not a CA"), std::string::npos);
}

TEST(Crl, RefusesBadNumbersTimesSerialsAndReasons) {
    auto ca = make_root();
    EXPECT_EQ(exit_of([&] { pki::build_crl(request(ca, {}, 0)); }), 2);
    auto req = request(ca);
    req.next_update = req.this_update;
    EXPECT_EQ(exit_of([&] { pki::build_crl(req); }), 2);
    EXPECT_EQ(exit_of([&] { pki::build_crl(request(ca, {{"XYZ", kStart, ""}})); }), 2);
    EXPECT_EQ(exit_of([&] { pki::build_crl(request(ca, {{"0A", kStart, "stolen"}})); }), 2);
    EXPECT_EQ(exit_of([&] { pki::build_crl(request(ca, {{"0A", kStart, "removeFromCRL"}})); }), 2);
}

TEST(Duration, ParsesUnits) {
    EXPECT_EQ(util::parse_duration("90s"), 90);
    EXPECT_EQ(util::parse_duration("30m"), 1800);
    EXPECT_EQ(util::parse_duration("12h"), 12 * 3600);
    EXPECT_EQ(util::parse_duration("7d"), 7 * 86400);
    EXPECT_EQ(util::parse_duration("2w"), 14 * 86400);
    EXPECT_EQ(util::parse_duration("36500d"), int64_t{36500} * 86400);
    for (const char* bad : {"", "d", "7", "0d", "-7d", "+7d", "7 d", " 7d", "7D", "7y", "1.5d", "7dd", "99999999999999w"})
        EXPECT_FALSE(util::parse_duration(bad)) << bad;
    EXPECT_EQ(exit_of([] { util::parse_duration_arg("soon", "--next-update"); }), 2);
    EXPECT_NE(message_of([] { util::parse_duration_arg("soon", "--next-update"); }).find("--next-update: 'soon'"),
              std::string::npos);
}
