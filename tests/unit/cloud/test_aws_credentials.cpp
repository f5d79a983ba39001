// Credentials and region, found as the AWS CLI finds them.
#include <gtest/gtest.h>

#include <map>

#include "cloud/aws_credentials.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

namespace {

using testing_support::spit;
using testing_support::TempDir;

cloud::Env env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& n) -> std::optional<std::string> {
        auto it = vars.find(n);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(AwsCredentials, EnvironmentFirstWithSessionTokenAndRegion) {
    auto c = cloud::find_aws_credentials(
        "", "", env_of({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "s3cr3t"},
                        {"AWS_SESSION_TOKEN", "tok"}, {"AWS_DEFAULT_REGION", "eu-west-1"}, {"HOME", "/nonexistent"}}));
    EXPECT_EQ(c.access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(c.secret_access_key, "s3cr3t");
    EXPECT_EQ(c.session_token, "tok");
    EXPECT_EQ(c.region, "eu-west-1");
    EXPECT_EQ(c.source, "environment");
}

TEST(AwsCredentials, ProfilesFromTheSharedFilesAndRegionPrecedence) {
    TempDir d;
    spit(d.path() + "/credentials",
         "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = def\n"
         "# a comment\n[factory]\naws_access_key_id=AKIDFACTORY\naws_secret_access_key=fac\naws_session_token = st\n");
    spit(d.path() + "/config", "[default]\nregion = us-east-1\n[profile factory]\nregion = ap-northeast-1\n");
    std::map<std::string, std::string> base = {{"AWS_SHARED_CREDENTIALS_FILE", d.path() + "/credentials"},
                                               {"AWS_CONFIG_FILE", d.path() + "/config"}};
    auto def = cloud::find_aws_credentials("", "", env_of(base));
    EXPECT_EQ(def.access_key_id, "AKIDDEFAULT");
    EXPECT_EQ(def.region, "us-east-1");
    auto with_profile_env = base;
    with_profile_env["AWS_PROFILE"] = "factory";
    auto fac = cloud::find_aws_credentials("", "", env_of(with_profile_env));
    EXPECT_EQ(fac.access_key_id, "AKIDFACTORY");
    EXPECT_EQ(fac.session_token, "st");
    EXPECT_EQ(fac.region, "ap-northeast-1");
    EXPECT_NE(fac.source.find("profile factory"), std::string::npos);
    // --profile wins over keys in the environment; AWS_REGION over the profile; --region over both.
    auto mixed = base;
    mixed["AWS_ACCESS_KEY_ID"] = "AKIDENV";
    mixed["AWS_SECRET_ACCESS_KEY"] = "env";
    mixed["AWS_REGION"] = "eu-central-1";
    auto p = cloud::find_aws_credentials("factory", "", env_of(mixed));
    EXPECT_EQ(p.access_key_id, "AKIDFACTORY");
    EXPECT_EQ(p.region, "eu-central-1");
    EXPECT_EQ(cloud::find_aws_credentials("factory", "sa-east-1", env_of(mixed)).region, "sa-east-1");
}

TEST(AwsCredentials, WhatIsMissingIsNamedAndNoSecretIsShown) {
    TempDir d;
    spit(d.path() + "/credentials", "[x]\naws_access_key_id = AKID\naws_secret_access_key = hush-hush\n");
    std::map<std::string, std::string> base = {{"AWS_SHARED_CREDENTIALS_FILE", d.path() + "/credentials"},
                                               {"AWS_CONFIG_FILE", d.path() + "/none"}};
    try {
        cloud::find_aws_credentials("nosuch", "eu-west-1", env_of(base));
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("nosuch"), std::string::npos);
    }
    try {
        cloud::find_aws_credentials("x", "", env_of(base));
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_NE(std::string(e.what()).find("no AWS region"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find("hush"), std::string::npos);
    }
    EXPECT_THROW(cloud::find_aws_credentials("x", "eu-west-1; rm -rf", env_of(base)), util::Error);
}

}  // namespace
