// Provisioning-station rows: unit progress and ID counters, on both engines.
#include "registry_fixture.hpp"

namespace {

template <typename Engine>
class UnitsTest : public RegistryTest<Engine> {
protected:
    void save(registry::Registry& r, const registry::UnitProgress& u) {
        registry::Transaction tx(r);
        r.save_unit(u, this->actor);
        tx.commit();
    }
    int64_t take(registry::Registry& r, const std::string& tmpl, int64_t first) {
        registry::Transaction tx(r);
        int64_t n = r.take_id_seq(tmpl, first);
        tx.commit();
        return n;
    }
};

TYPED_TEST_SUITE(UnitsTest, Engines, EngineNames);

TYPED_TEST(UnitsTest, ASavedUnitIsReplacedByItsNextStepAndEveryStepIsAudited) {
    auto r = this->open();
    registry::UnitProgress u;
    u.hw_uid = "A1B2";
    u.step = "BOOTSTRAP";
    u.device_id = "SN-1";
    u.port = "/dev/ttyUSB0";
    this->save(*r, u);
    u.step = "ENROLL";
    u.public_key_sha256 = std::string(64, 'a');
    u.cert_pem = "-----BEGIN CERTIFICATE-----\n...";
    this->save(*r, u);
    auto got = r->find_unit("A1B2");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->step, "ENROLL");
    EXPECT_EQ(got->device_id, "SN-1");
    EXPECT_EQ(got->cert_pem, u.cert_pem);
    EXPECT_EQ(got->station, this->actor.station);
    EXPECT_EQ(r->find_unit_by_device("SN-1")->hw_uid, "A1B2");
    EXPECT_FALSE(r->find_unit("FFFF"));
    auto audit = r->audit_entries("SN-1");
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].action, "provision");
    EXPECT_NE(audit[1].detail.find("step ENROLL"), std::string::npos);
    EXPECT_TRUE(r->verify_audit().ok());
}

TYPED_TEST(UnitsTest, TwoUnitsCannotHoldOneDeviceId) {
    auto r = this->open();
    registry::UnitProgress a;
    a.hw_uid = "AA";
    a.device_id = "SN-1";
    a.step = "BOOTSTRAP";
    this->save(*r, a);
    registry::UnitProgress b = a;
    b.hw_uid = "BB";
    EXPECT_THROW(this->save(*r, b), registry::ConstraintViolation);
    // Units without an ID yet do not collide.
    a.device_id.clear();
    b.device_id.clear();
    a.hw_uid = "CC";
    b.hw_uid = "DD";
    this->save(*r, a);
    this->save(*r, b);
}

TYPED_TEST(UnitsTest, IdCountersHandOutEachNumberOnceAndSurviveReopening) {
    {
        auto r = this->open();
        EXPECT_EQ(this->take(*r, "SN-{seq:08}{check}", 1), 1);
        EXPECT_EQ(this->take(*r, "SN-{seq:08}{check}", 1), 2);
        EXPECT_EQ(this->take(*r, "X-{seq}", 100), 100);
    }
    auto r = this->open();
    EXPECT_EQ(this->take(*r, "SN-{seq:08}{check}", 1), 3);
    // A higher floor (an --after) moves the counter up, never down.
    EXPECT_EQ(this->take(*r, "SN-{seq:08}{check}", 50), 50);
    EXPECT_EQ(this->take(*r, "SN-{seq:08}{check}", 1), 51);
    // A rolled-back number is handed out again: nothing was used.
    {
        registry::Transaction tx(*r);
        EXPECT_EQ(r->take_id_seq("X-{seq}", 1), 101);
    }
    EXPECT_EQ(this->take(*r, "X-{seq}", 1), 101);
}

}  // namespace
