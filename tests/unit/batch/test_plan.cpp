#include "batch/plan.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"
#include "util/error.hpp"

using namespace batch;
using testing_support::TempDir;

TEST(TemplatePlan, IsTheRangeInOrder) {
    auto t = device::IdTemplate::parse("SN-{seq:08}{check}");
    auto plan = template_plan(t, 1, 3);
    EXPECT_EQ(plan->size(), 3u);
    EXPECT_EQ(plan->next()->device_id, "SN-00000001Y");
    EXPECT_EQ(plan->next()->device_id, "SN-00000002W");
    EXPECT_EQ(plan->next()->device_id, "SN-00000003U");
    EXPECT_FALSE(plan->next());
}

TEST(TemplatePlan, RefusesARangePastTheField) {
    auto t = device::IdTemplate::parse("D{seq:02}{check}");
    EXPECT_THROW(template_plan(t, 95, 10), util::Error);
    EXPECT_THROW(template_plan(t, 1, 0), util::Error);
    EXPECT_EQ(template_plan(t, 90, 10)->size(), 10u);
}

TEST(FilePlan, StreamsDevicesWithHardwareSerials) {
    TempDir dir;
    testing_support::spit(dir.file("ids"), "device_id,hardware_serial\r\nA-1 , HW1\r\n\n# note\nA-2\n");
    auto plan = file_plan(dir.file("ids"), nullptr);
    EXPECT_EQ(plan->size(), 2u);
    auto a = plan->next();
    EXPECT_EQ(a->device_id, "A-1");
    EXPECT_EQ(a->hardware_serial, "HW1");
    auto b = plan->next();
    EXPECT_EQ(b->device_id, "A-2");
    EXPECT_EQ(b->hardware_serial, "");
    EXPECT_FALSE(plan->next());
}

TEST(FilePlan, ReportsEveryProblemWithItsLine) {
    TempDir dir;
    testing_support::spit(dir.file("ids"), "A-1\nbad id\nA-1\nA-3,x,y\n");
    try {
        file_plan(dir.file("ids"), nullptr);
        FAIL();
    } catch (const util::Error& e) {
        std::string m = e.what();
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(m.find("3 problem(s)"), std::string::npos) << m;
        EXPECT_NE(m.find(dir.file("ids") + ":2: device ID 'bad id'"), std::string::npos) << m;
        EXPECT_NE(m.find(":3: device ID A-1 is already on line 1"), std::string::npos) << m;
        EXPECT_NE(m.find(":4: more than two fields"), std::string::npos) << m;
    }
    testing_support::spit(dir.file("empty"), "# nothing\n");
    EXPECT_THROW(file_plan(dir.file("empty"), nullptr), util::Error);
    EXPECT_THROW(file_plan(dir.file("missing"), nullptr), util::Error);
}
