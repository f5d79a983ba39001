// Revocation and CRL numbers in the registry, on both engines.
#include "registry_fixture.hpp"

namespace {

template <typename Engine>
class RevocationTest : public RegistryTest<Engine> {
protected:
    void revoke(registry::Registry& r, const std::string& serial, const std::string& reason,
                const std::string& issuer = "CN=Widgets Issuing CA") {
        registry::Transaction tx(r);
        r.revoke(issuer, serial, reason, this->actor);
        tx.commit();
    }
    int64_t next_number(registry::Registry& r, const std::string& issuer) {
        registry::Transaction tx(r);
        int64_t n = r.next_crl_number(issuer, this->actor);
        tx.commit();
        return n;
    }
};

TYPED_TEST_SUITE(RevocationTest, Engines, EngineNames);

TYPED_TEST(RevocationTest, MigrationTwoAddsCrlNumbersToAVersionOneRegistry) {
    this->open().reset();
    auto raw = this->backend->connect();
    EXPECT_EQ(raw->exec("SELECT COUNT(*) FROM crl_numbers"), "");
    // Back to what a version 1 binary left behind; opening upgrades it again.
    ASSERT_EQ(raw->exec("DROP TABLE crl_numbers"), "");
    ASSERT_EQ(raw->exec("DROP TABLE provisioning_units"), "");
    ASSERT_EQ(raw->exec("DROP TABLE id_counters"), "");
    ASSERT_EQ(raw->exec("DROP TABLE cloud_records"), "");
    ASSERT_EQ(raw->exec("DELETE FROM schema_migrations WHERE version >= 2"), "");
    auto r = this->open();
    EXPECT_EQ(r->schema_version(), registry::kSchemaVersion);
    EXPECT_EQ(raw->exec("SELECT COUNT(*) FROM crl_numbers"), "");
}

TYPED_TEST(RevocationTest, RevokedByListsOnlyRevokedCertificatesOfThatIssuer) {
    auto r = this->open();
    for (const char* id : {"SN-1", "SN-2", "SN-3", "SN-4"}) this->add_device(*r, id);
    this->add_cert(*r, "SN-1", "0A");
    this->add_cert(*r, "SN-2", "0B");
    this->add_cert(*r, "SN-3", "0C");
    {
        // Same serial, other issuer, a little later.
        this->clock.advance(10);
        auto other = this->cert("SN-4", "0B");
        other.issuer = "CN=Other CA";
        other.fingerprint = util::sha256_hex("other");
        registry::Transaction tx(*r);
        r->add_certificate(other, this->actor);
        tx.commit();
    }
    EXPECT_TRUE(r->revoked_by("CN=Widgets Issuing CA").empty());
    EXPECT_TRUE(r->revoking_issuers().empty());
    this->clock.advance(60);
    this->revoke(*r, "0C", "keyCompromise");
    this->revoke(*r, "0A", "superseded");
    this->revoke(*r, "0B", "cessationOfOperation", "CN=Other CA");

    auto revoked = r->revoked_by("CN=Widgets Issuing CA");
    ASSERT_EQ(revoked.size(), 2u);
    EXPECT_EQ(revoked[0].serial, "0A");
    EXPECT_EQ(revoked[0].revocation_reason, "superseded");
    ASSERT_TRUE(revoked[0].revoked_at);
    EXPECT_EQ(*revoked[0].revoked_at, this->clock.now());
    EXPECT_EQ(revoked[1].serial, "0C");
    EXPECT_EQ(revoked[1].revocation_reason, "keyCompromise");
    EXPECT_EQ(r->revoked_by("CN=Other CA").size(), 1u);
    EXPECT_TRUE(r->revoked_by("CN=Nobody").empty());
    EXPECT_EQ(r->revoking_issuers(), (std::vector<std::string>{"CN=Other CA", "CN=Widgets Issuing CA"}));

    auto same = r->certificates_with_serial("0B");
    ASSERT_EQ(same.size(), 2u);
    EXPECT_EQ(same[0].issuer, "CN=Widgets Issuing CA");
    EXPECT_EQ(same[0].status, registry::CertStatus::active);
    EXPECT_EQ(same[1].issuer, "CN=Other CA");
    EXPECT_EQ(same[1].status, registry::CertStatus::revoked);
    EXPECT_TRUE(r->certificates_with_serial("FF").empty());
}

TYPED_TEST(RevocationTest, RevokingTwiceIsRefusedAndAudited) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    this->add_cert(*r, "SN-1", "0A");
    this->revoke(*r, "0A", "keyCompromise");
    try {
        this->revoke(*r, "0A", "superseded");
        FAIL() << "a second revocation was accepted";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("already revoked"), std::string::npos) << e.what();
    }
    // The first reason stands; the refused attempt left no entry.
    EXPECT_EQ(r->revoked_by("CN=Widgets Issuing CA").at(0).revocation_reason, "keyCompromise");
    auto audit = r->audit_entries("SN-1");
    ASSERT_EQ(audit.size(), 3u);
    EXPECT_EQ(audit[2].action, "revoke");
    EXPECT_EQ(audit[2].serial, "0A");
    EXPECT_EQ(audit[2].detail, "keyCompromise");
    EXPECT_TRUE(r->verify_audit().ok());
}

TYPED_TEST(RevocationTest, CrlNumbersIncreasePerIssuerAndAreAudited) {
    auto r = this->open();
    EXPECT_EQ(this->next_number(*r, "CN=A"), 1);
    EXPECT_EQ(this->next_number(*r, "CN=A"), 2);
    EXPECT_EQ(this->next_number(*r, "CN=B"), 1);
    EXPECT_EQ(this->next_number(*r, "CN=A"), 3);
    // Numbers survive reopening.
    r.reset();
    r = this->open();
    EXPECT_EQ(this->next_number(*r, "CN=B"), 2);
    auto audit = r->audit_entries();
    ASSERT_EQ(audit.size(), 5u);
    EXPECT_EQ(audit[0].action, "crl");
    EXPECT_EQ(audit[0].detail, "issuer CN=A, CRL number 1");
    EXPECT_EQ(audit[4].detail, "issuer CN=B, CRL number 2");
    EXPECT_TRUE(r->verify_audit().ok());
    // Outside a transaction it is a programming error.
    EXPECT_THROW(r->next_crl_number("CN=A", this->actor), util::Error);
}

TYPED_TEST(RevocationTest, ARolledBackCrlNumberIsHandedOutAgain) {
    auto r = this->open();
    EXPECT_EQ(this->next_number(*r, "CN=A"), 1);
    {
        registry::Transaction tx(*r);
        EXPECT_EQ(r->next_crl_number("CN=A", this->actor), 2);
    }  // no commit
    EXPECT_EQ(this->next_number(*r, "CN=A"), 2);
    EXPECT_EQ(r->audit_entries().size(), 2u);
}

TYPED_TEST(RevocationTest, ConcurrentCrlNumbersNeverRepeat) {
    // Two connections take numbers in turn; the write lock keeps them unique.
    auto a = this->open();
    auto b = this->open();
    std::vector<int64_t> seen;
    for (int i = 0; i < 5; ++i) {
        seen.push_back(this->next_number(*a, "CN=A"));
        seen.push_back(this->next_number(*b, "CN=A"));
    }
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 1] + 1) << i;
}

}  // namespace
