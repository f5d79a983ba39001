// Cloud records (schema step 4) on both engines: saved with an audit entry,
// replaced in place, read back by device, and tied to a real device.
#include "registry_fixture.hpp"

TYPED_TEST_SUITE(RegistryTest, Engines, EngineNames);

namespace {

registry::CloudRecord aws_record(const std::string& device_id) {
    registry::CloudRecord c;
    c.device_id = device_id;
    c.provider = "aws";
    c.scope = "eu-west-1";
    c.fingerprint = std::string(64, 'a');
    c.status = "partial";
    c.steps = {"certificate"};
    c.certificate_id = std::string(64, 'a');
    c.certificate_arn = "arn:aws:iot:eu-west-1:123456789012:cert/" + std::string(64, 'a');
    return c;
}

}  // namespace

TYPED_TEST(RegistryTest, CloudRecordsAreSavedReplacedAndAudited) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    {
        registry::Transaction tx(*r);
        r->save_cloud_record(aws_record("SN-1"), "certificate registered", this->actor);
        tx.commit();
    }
    auto held = r->find_cloud_record("SN-1", "aws", "eu-west-1");
    ASSERT_TRUE(held);
    EXPECT_EQ(held->status, "partial");
    EXPECT_EQ(held->steps, std::vector<std::string>{"certificate"});
    EXPECT_TRUE(held->has_step("certificate"));
    EXPECT_FALSE(held->has_step("thing"));
    EXPECT_EQ(held->updated_at, this->clock.now());
    EXPECT_FALSE(r->find_cloud_record("SN-1", "aws", "us-east-1"));
    EXPECT_FALSE(r->find_cloud_record("SN-1", "azure", "eu-west-1"));

    auto next = *held;
    next.steps = {"certificate", "thing", "principal"};
    next.thing_name = "SN-1";
    next.status = "registered";
    this->clock.advance(5);
    registry::CloudRecord azure;
    azure.device_id = "SN-1";
    azure.provider = "azure";
    azure.scope = "acme.azure-devices-provisioning.net";
    azure.status = "registered";
    azure.enrollment_id = "SN-1";
    azure.etag = "\"e1\"";
    {
        registry::Transaction tx(*r);
        r->save_cloud_record(next, "registered", this->actor);
        r->save_cloud_record(azure, "created enrollment SN-1", this->actor);
        tx.commit();
    }
    auto all = r->cloud_records_of("SN-1");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].provider, "aws");
    EXPECT_EQ(all[0].status, "registered");
    EXPECT_EQ(all[0].steps, (std::vector<std::string>{"certificate", "thing", "principal"}));
    EXPECT_EQ(all[0].updated_at, this->clock.now());
    EXPECT_EQ(all[1].provider, "azure");
    EXPECT_EQ(all[1].etag, "\"e1\"");

    auto audit = r->audit_entries("SN-1");
    int cloud_entries = 0;
    for (const auto& e : audit)
        if (e.action == "cloud") ++cloud_entries;
    EXPECT_EQ(cloud_entries, 3);
    EXPECT_EQ(audit.back().detail, "azure acme.azure-devices-provisioning.net: created enrollment SN-1");
    EXPECT_TRUE(r->verify_audit().ok());
}

TYPED_TEST(RegistryTest, CloudRecordNeedsItsDeviceAndATransaction) {
    auto r = this->open();
    EXPECT_THROW(r->save_cloud_record(aws_record("SN-1"), "x", this->actor), util::Error);
    registry::Transaction tx(*r);
    // No such device: the foreign key refuses the row, so no record outlives its device.
    EXPECT_THROW(r->save_cloud_record(aws_record("SN-404"), "x", this->actor), util::Error);
}
