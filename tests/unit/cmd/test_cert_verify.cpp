// The provctl.cert.verify/v1 document: its shape never depends on the outcome.
#include <gtest/gtest.h>

#include <openssl/x509_vfy.h>

#include "cmd/cert_verify.hpp"

namespace {

pki::ChainEntry entry(const std::string& subject) {
    return {subject, "CN=Root", "0A1B", std::string(64, 'a'), "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"};
}

}  // namespace

TEST(CertVerifyDocument, ValidHasNullErrorAndReason) {
    pki::VerifyResult r;
    r.valid = true;
    r.chain = {entry("CN=leaf")};
    r.checked_at = 1577836800;
    auto doc = cmd::verify_document(r);
    EXPECT_EQ(doc["schema"], "provctl.cert.verify/v1");
    EXPECT_EQ(doc["valid"], true);
    EXPECT_TRUE(doc["reason"].is_null());
    EXPECT_TRUE(doc["error"].is_null());
    ASSERT_TRUE(doc["chain"].is_array());  // an array even with one element
    ASSERT_EQ(doc["chain"].size(), 1u);
    EXPECT_EQ(doc["chain"][0]["serial"], "0A1B");
    EXPECT_EQ(doc["chain"][0]["not_after"], "2027-01-01T00:00:00Z");
    EXPECT_EQ(doc["checked_at"], "2020-01-01T00:00:00Z");
}

TEST(CertVerifyDocument, InvalidCarriesCodeDepthAndSubject) {
    pki::VerifyResult r;
    r.error_code = X509_V_ERR_CERT_REVOKED;
    r.reason = "certificate revoked";
    r.error_depth = 0;
    r.error_subject = "CN=leaf";
    r.chain = {entry("CN=leaf"), entry("CN=Root")};
    auto doc = cmd::verify_document(r);
    EXPECT_EQ(doc["valid"], false);
    EXPECT_EQ(doc["reason"], "certificate revoked");
    EXPECT_EQ(doc["error"]["code"], X509_V_ERR_CERT_REVOKED);
    EXPECT_EQ(doc["error"]["depth"], 0);
    EXPECT_EQ(doc["error"]["subject"], "CN=leaf");
    EXPECT_EQ(doc["chain"].size(), 2u);
}

TEST(CertVerifyDocument, PathWideFailureHasNullSubject) {
    pki::VerifyResult r;
    r.error_code = X509_V_ERR_NO_EXPLICIT_POLICY;
    r.reason = "no explicit policy";
    r.error_depth = 0;
    r.chain = {entry("CN=leaf")};
    auto doc = cmd::verify_document(r);
    EXPECT_TRUE(doc["error"]["subject"].is_null());
}

TEST(CertVerifyDocument, UndecodableTimesAreNull) {
    pki::VerifyResult r;
    r.valid = true;
    auto e = entry("CN=leaf");
    e.not_before.clear();
    r.chain = {e};
    EXPECT_TRUE(cmd::verify_document(r)["chain"][0]["not_before"].is_null());
}
