#include <gtest/gtest.h>

#include <cstdlib>

#include "support/test_support.hpp"
#include "util/error.hpp"
#include "util/secret.hpp"

namespace {

std::string message_of(const std::string& spec) {
    try {
        util::resolve_secret(spec, "passphrase for x.key");
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Secret, FromEnvironment) {
    ::setenv("PROVCTL_UNIT_SECRET", "hunter22", 1);
    auto s = util::resolve_secret("env:PROVCTL_UNIT_SECRET", "passphrase");
    EXPECT_EQ(s.value(), "hunter22");
    EXPECT_EQ(s.origin(), "env:PROVCTL_UNIT_SECRET");
    ::unsetenv("PROVCTL_UNIT_SECRET");
}

TEST(Secret, FromFileDropsOneTrailingNewline) {
    testing_support::TempDir dir;
    testing_support::spit(dir.file("pw"), "open sesame\n");
    EXPECT_EQ(util::resolve_secret("file:" + dir.file("pw"), "passphrase").value(), "open sesame");
}

TEST(Secret, PlainArgumentRefusedWithoutEcho) {
    std::string msg = message_of("pass:topsecret");
    EXPECT_NE(msg.find("env:NAME"), std::string::npos);
    EXPECT_EQ(msg.find("topsecret"), std::string::npos);
    std::string unknown = message_of("topsecret");
    EXPECT_EQ(unknown.find("topsecret"), std::string::npos);
}

TEST(Secret, MissingEnvironmentVariableNamed) {
    ::unsetenv("PROVCTL_UNIT_NOT_SET");
    EXPECT_NE(message_of("env:PROVCTL_UNIT_NOT_SET").find("PROVCTL_UNIT_NOT_SET is not set"), std::string::npos);
}
