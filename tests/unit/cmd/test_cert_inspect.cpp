// run_cert_inspect called directly: JSON shape, colours, and files that
// cannot be read.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "cmd/cert_inspect.hpp"
#include "support/test_support.hpp"
#include "util/time.hpp"

using namespace testing_support;

namespace {

struct FixedClock : util::Clock {
    int64_t t = 0;
    int64_t now() const override { return t; }
};

class CertInspectCmd : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
                      "-keyout", dir.file("k.pem"), "-subj", "/CN=Colour Test", "-days", "100", "-out", dir.file("c.pem")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        ctx.out = &out;
        ctx.err = &err;
        ctx.clock = &clock;
        auto objects = pki::read_inspectable(dir.file("c.pem"));
        not_after = *pki::inspect_certificate(objects[0].cert.get(), 0).not_after;
    }

    std::string inspect(std::vector<std::string> files, int64_t at) {
        clock.t = at;
        out.str("");
        cmd::run_cert_inspect({std::move(files), ""}, ctx);
        return out.str();
    }

    TempDir dir;
    FixedClock clock;
    std::ostringstream out, err;
    cmd::Context ctx;
    int64_t not_after = 0;
};

}  // namespace

TEST_F(CertInspectCmd, JsonIsAlwaysAnArrayOfItems) {
    ctx.json = true;
    auto doc = nlohmann::json::parse(inspect({dir.file("c.pem")}, not_after - 5 * 86400));
    EXPECT_EQ(doc["schema"], "provctl.cert.inspect/v1");
    EXPECT_EQ(doc["at"], util::format_rfc3339(not_after - 5 * 86400));
    ASSERT_TRUE(doc["items"].is_array());
    ASSERT_EQ(doc["items"].size(), 1u);
    const auto& item = doc["items"][0];
    EXPECT_EQ(item["file"], dir.file("c.pem"));
    EXPECT_EQ(item["index"], 0);
    EXPECT_EQ(item["kind"], "certificate");
    EXPECT_EQ(item["days_left"], 5);
    EXPECT_EQ(item["key"]["curve"], "P-384");
    EXPECT_TRUE(item["path_len"].is_null());
    EXPECT_TRUE(item["name_constraints"].is_null());
    EXPECT_TRUE(item["san"].is_array());

    doc = nlohmann::json::parse(inspect({dir.file("c.pem"), dir.file("c.pem")}, 0));
    ASSERT_EQ(doc["items"].size(), 2u);
}

TEST_F(CertInspectCmd, ColoursExpiryOnlyWhenAsked) {
    std::string plain = inspect({dir.file("c.pem")}, not_after + 10);
    EXPECT_NE(plain.find("(expired)"), std::string::npos) << plain;
    EXPECT_EQ(plain.find('\033'), std::string::npos) << plain;

    ctx.color = true;
    EXPECT_NE(inspect({dir.file("c.pem")}, not_after + 10).find("\033[31m"), std::string::npos);
    std::string soon = inspect({dir.file("c.pem")}, not_after - 3 * 86400);
    EXPECT_NE(soon.find("\033[33m"), std::string::npos) << soon;
    EXPECT_NE(soon.find("(3 days left)"), std::string::npos) << soon;
    std::string fine = inspect({dir.file("c.pem")}, not_after - 60 * 86400);
    EXPECT_EQ(fine.find("\033[31m"), std::string::npos) << fine;
    EXPECT_EQ(fine.find("\033[33m"), std::string::npos) << fine;
}

TEST_F(CertInspectCmd, HumanBlockHasAlignedLabels) {
    std::string text = inspect({dir.file("c.pem")}, not_after - 50 * 86400);
    EXPECT_EQ(text.rfind(dir.file("c.pem") + " [0] certificate\n", 0), 0u) << text;
    EXPECT_NE(text.find("\n  subject             CN=Colour Test\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\n  key                 EC P-384\n"), std::string::npos) << text;
    EXPECT_NE(text.find("(50 days left)"), std::string::npos) << text;
}

TEST_F(CertInspectCmd, BadFilesStopEverythingAndAreAllNamed) {
    spit(dir.file("junk.pem"), "junk");
    try {
        inspect({dir.file("c.pem"), dir.file("junk.pem"), dir.file("nope.pem")}, 0);
        FAIL() << "accepted a bad file";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        std::string what = e.what();
        EXPECT_EQ(what.rfind(dir.file("junk.pem") + ": no certificate", 0), 0u) << what;
        EXPECT_NE(what.find("also unreadable: " + dir.file("nope.pem")), std::string::npos) << what;
    }
    EXPECT_EQ(out.str(), "");
}

TEST_F(CertInspectCmd, AtOptionOverridesTheClock) {
    ctx.json = true;
    clock.t = 0;
    cmd::run_cert_inspect({{dir.file("c.pem")}, util::format_rfc3339(not_after - 2 * 86400)}, ctx);
    EXPECT_EQ(nlohmann::json::parse(out.str())["items"][0]["days_left"], 2);
    EXPECT_THROW(cmd::run_cert_inspect({{dir.file("c.pem")}, "tomorrow"}, ctx), util::Error);
}

// Both renderers over every readable file of the zlint corpus: odd names and
// extensions must come out as valid JSON and as text without raw control bytes.
TEST(CertInspectCorpus, RendersEveryReadableZlintFile) {
    std::string root = shared_testdata() + "/certs-zlint";
    if (!std::filesystem::is_directory(root)) GTEST_SKIP() << root << " is not present";
    cmd::Context ctx;
    ctx.color = true;
    size_t rendered = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::vector<cmd::InspectedItem> items;
        try {
            items = cmd::inspect_files({entry.path().string()}, 1700000000);
        } catch (const util::Error&) {
            continue;  // refusals are covered by the pki corpus test
        }
        std::string json;
        EXPECT_NO_THROW(json = cmd::inspect_document(items, 1700000000).dump()) << entry.path();
        std::ostringstream text;
        cmd::render_inspect(text, items, 1700000000, ctx);
        for (char c : text.str()) {
            auto u = static_cast<unsigned char>(c);
            // Only our own colour sequences may carry ESC.
            if (u < 0x20 && c != '\n' && c != '\033') ADD_FAILURE() << entry.path() << ": raw control byte " << int(u);
        }
        ++rendered;
    }
    EXPECT_GE(rendered, 1300u);
}
