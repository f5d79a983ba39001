// Registry URLs: redaction, and failures that name the URL without its password.
#include <gtest/gtest.h>

#include "registry/registry.hpp"

TEST(RegistryUrl, PasswordsAreRedacted) {
    EXPECT_EQ(registry::redact_url("postgresql://prov:s3cret@db.example:5432/reg"),
              "postgresql://prov:***@db.example:5432/reg");
    EXPECT_EQ(registry::redact_url("postgresql://prov@db/reg?password=s3cret&sslmode=require"),
              "postgresql://prov@db/reg?password=***&sslmode=require");
    EXPECT_EQ(registry::redact_url("postgresql://a:b@c@db/reg"), "postgresql://a:***@db/reg");
    EXPECT_EQ(registry::redact_url("postgresql:///reg?host=/tmp/x"), "postgresql:///reg?host=/tmp/x");
    EXPECT_EQ(registry::redact_url("sqlite:/var/lib/provctl/registry.db"), "sqlite:/var/lib/provctl/registry.db");
}

TEST(RegistryUrl, UnreachableIsExitOneWithoutThePassword) {
    util::SystemClock clock;
    try {
        registry::open_registry("postgresql://prov:hunter2@127.0.0.1:1/reg?connect_timeout=5", clock);
        FAIL();
    } catch (const util::Error& e) {
        std::string m = e.what();
        EXPECT_EQ(e.code(), util::ExitCode::failed);
        EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
        EXPECT_NE(m.find("postgresql://prov:***@127.0.0.1:1/reg"), std::string::npos) << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
    EXPECT_THROW(registry::open_registry("mysql://x", clock), util::Error);
    try {
        registry::open_registry("sqlite:/nonexistent-folder/x/registry.db", clock);
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::failed);
        EXPECT_NE(std::string(e.what()).find("sqlite:/nonexistent-folder/x/registry.db"), std::string::npos);
    }
}
