// provctl registry through the real binary, on SQLite and (when
// PROVCTL_TEST_PG_URL is set) PostgreSQL. The registry is seeded through the
// library, as the batch engine will fill it.
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "registry/registry.hpp"
#include "support/registry_backends.hpp"
#include "util/ossl.hpp"

using namespace testing_support;
using nlohmann::json;

namespace {

class Registry : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        backend = GetParam() == "sqlite" ? make_sqlite_backend() : make_postgres_backend();
        if (!backend) GTEST_SKIP() << pg_skip_message();
        util::SystemClock clock;
        auto r = registry::open_registry(backend->url(), clock);
        registry::Transaction tx(*r);
        registry::Actor actor{"alice", "line-1"};
        struct Seed {
            const char* id;
            const char* batch;
            const char* sku;
        };
        for (const Seed& s : {Seed{"SN-1", "B1", "W-1"}, Seed{"SN-2", "B1", "W-2"}, Seed{"SN-3", "B2", "W-1"}})
            r->add_device({s.id, std::string("HW-") + s.id, s.sku, "C", s.batch, "spec-1", registry::State::manufactured},
                          actor);
        std::string pem = "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n";
        r->add_certificate({"SN-1", "CN=Widgets, Inc. CA", "1F2E", util::sha256_hex(pem), 1795000000, 1826536000, pem},
                           actor);
        tx.commit();
    }

    RunResult run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
        args.push_back("--registry");
        args.push_back(backend->url());
        return provctl(args, env, dir.path());
    }

    std::unique_ptr<RegistryBackend> backend;
    TempDir dir;
};

TEST_P(Registry, ListFiltersAndJsonShape) {
    auto r = run({"--json", "registry", "list", "--batch", "B1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.registry.list/v1");
    ASSERT_TRUE(j["devices"].is_array());
    ASSERT_EQ(j["devices"].size(), 2u);
    EXPECT_EQ(j["devices"][0]["device_id"], "SN-1");
    EXPECT_EQ(j["devices"][0]["state"], "manufactured");
    EXPECT_EQ(j["devices"][0]["operator"], "alice");
    r = run({"--json", "registry", "list", "--sku", "W-1", "--batch", "B2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["devices"].size(), 1u);  // still an array
    r = run({"--json", "registry", "list", "--limit", "1"});
    EXPECT_EQ(json::parse(r.out)["devices"].size(), 1u);
    r = run({"registry", "list", "--state", "lost"});
    EXPECT_EQ(r.exit_code, 2);
    r = run({"registry", "list"});
    EXPECT_NE(r.out.find("SN-3"), std::string::npos);
}

TEST_P(Registry, ShowDeviceCertificatesAndAudit) {
    auto r = run({"--json", "registry", "show", "SN-1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.registry.show/v1");
    EXPECT_EQ(j["device"]["hardware_uid"], "HW-SN-1");
    ASSERT_EQ(j["certificates"].size(), 1u);
    EXPECT_EQ(j["certificates"][0]["serial"], "1F2E");
    EXPECT_EQ(j["certificates"][0]["status"], "active");
    EXPECT_EQ(j["audit"].size(), 2u);
    EXPECT_EQ(j["audit"][1]["action"], "issue");
    r = run({"registry", "show", "SN-404"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no device SN-404"), std::string::npos) << r.err;
}

TEST_P(Registry, SetStateRecordsOperatorAndRefusesBadTransitions) {
    auto r = run({"--json", "registry", "set-state", "SN-2", "stocked", "--reason", "counted", "--operator", "bob",
                  "--station", "dock-3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.registry.set-state/v1");
    EXPECT_EQ(j["from"], "manufactured");
    EXPECT_EQ(j["to"], "stocked");
    r = run({"--json", "registry", "audit", "--device", "SN-2"});
    j = json::parse(r.out);
    ASSERT_EQ(j["entries"].size(), 2u);
    EXPECT_EQ(j["entries"][1]["operator"], "bob");
    EXPECT_EQ(j["entries"][1]["station"], "dock-3");
    EXPECT_EQ(j["entries"][1]["detail"], "manufactured -> stocked: counted");

    r = run({"registry", "set-state", "SN-2", "activated"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("SN-2 is stocked"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("allowed next states: shipped, quarantined, retired"), std::string::npos) << r.err;
    r = run({"registry", "set-state", "SN-2", "lost"});
    EXPECT_EQ(r.exit_code, 2);
    // Operator defaults to $USER.
    r = run({"--json", "registry", "set-state", "SN-3", "quarantined"}, {{"USER", "carol"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run({"--json", "registry", "audit", "--device", "SN-3"});
    EXPECT_EQ(json::parse(r.out)["entries"][1]["operator"], "carol");
}

TEST_P(Registry, ExportCsvAndJsonl) {
    auto r = run({"registry", "export", "--format", "csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto first_nl = r.out.find('\n');
    EXPECT_EQ(r.out.substr(0, first_nl),
              "device_id,hardware_uid,sku,hw_revision,batch,state,rma_count,spec_version,station,operator,created_at,"
              "updated_at,cert_issuer,cert_serial,cert_sha256,cert_not_after");
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4);
    // The issuer holds a comma: quoted as RFC 4180 wants.
    EXPECT_NE(r.out.find("SN-1,HW-SN-1,W-1,C,B1,manufactured,0,spec-1,line-1,alice,"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(",\"CN=Widgets, Inc. CA\",1F2E,"), std::string::npos) << r.out;

    r = run({"--json", "registry", "export", "--format", "jsonl", "--out", "devices.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto summary = json::parse(r.out);
    EXPECT_EQ(summary["schema"], "provctl.registry.export/v1");
    EXPECT_EQ(summary["devices"], 3);
    std::string text = slurp(dir.file("devices.jsonl"));
    std::vector<json> lines;
    for (size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1)
        lines.push_back(json::parse(text.substr(pos, nl - pos)));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0]["device_id"], "SN-1");
    ASSERT_TRUE(lines[0]["certificates"].is_array());
    EXPECT_EQ(lines[0]["certificates"][0]["serial"], "1F2E");
    EXPECT_TRUE(lines[1]["certificates"].is_array());
    EXPECT_EQ(lines[1]["certificates"].size(), 0u);
    // An existing file is refused without --force.
    r = run({"registry", "export", "--format", "jsonl", "--out", "devices.jsonl"});
    EXPECT_EQ(r.exit_code, 2);
    r = run({"registry", "export", "--format", "xml"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST_P(Registry, AuditVerifyIntactThenTampered) {
    auto r = run({"--json", "registry", "audit", "--verify"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.registry.audit/v1");
    EXPECT_EQ(j["entries"].size(), 4u);
    EXPECT_EQ(j["verify"]["ok"], true);
    ASSERT_EQ(backend->connect()->exec("UPDATE audit SET detail = 'batch B9' WHERE seq = 3"), "");
    r = run({"--json", "registry", "audit", "--verify"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    j = json::parse(r.out);  // the report comes first, on stdout
    EXPECT_EQ(j["verify"]["ok"], false);
    EXPECT_EQ(j["verify"]["first_broken"], 3);
    EXPECT_NE(r.err.find("audit chain broken at entry 3"), std::string::npos) << r.err;
    r = run({"registry", "audit", "--verify"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.out.find("audit chain broken at entry 3"), std::string::npos) << r.out;
}

TEST_P(Registry, NewerSchemaIsExitTwo) {
    ASSERT_EQ(backend->connect()->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (42, 0)"), "");
    auto r = run({"registry", "list"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("schema version 42"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, Registry, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(RegistryCommands, DefaultIsSqliteInTheCurrentFolderOrTheEnvironment) {
    TempDir dir;
    auto r = provctl({"--json", "registry", "list"}, {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(exists(dir.file("provctl.db")));
    EXPECT_EQ(json::parse(r.out)["registry"], "sqlite:provctl.db");
    r = provctl({"--json", "registry", "list"}, {{"PROVCTL_REGISTRY", "sqlite:" + dir.file("env.db")}}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(exists(dir.file("env.db")));
}

TEST(RegistryCommands, UnreachableDatabaseIsExitOneWithRedactedUrl) {
    auto r = provctl({"registry", "list", "--registry", "postgresql://prov:hunter2@127.0.0.1:1/reg"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("postgresql://prov:***@127.0.0.1:1/reg"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
