// provctl id next / id check through the real binary, and --id-template on
// cert sign-csr refusing a mistyped device ID before anything is written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

using namespace testing_support;

namespace {

const std::string kTemplate = "SN-{seq:08}{check}";

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(text.substr(start, nl - start));
    return out;
}

}  // namespace

TEST(IdScenario, NextThenCheckAcceptsItsOwnOutput) {
    auto r = provctl({"id", "next", "--id-template", kTemplate, "--after", "SN-00000042G", "--count", "3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ids = lines(r.out);
    ASSERT_EQ(ids.size(), 3u) << r.out;
    EXPECT_EQ(ids, (std::vector<std::string>{"SN-00000043E", "SN-00000044C", "SN-00000045A"}));

    std::vector<std::string> args{"id", "check", "--id-template", kTemplate};
    args.insert(args.end(), ids.begin(), ids.end());
    r = provctl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, ids[0] + "  ok\n" + ids[1] + "  ok\n" + ids[2] + "  ok\n");
    EXPECT_EQ(r.err, "");
}

TEST(IdScenario, MistypedIdExitsThreeNamingThePosition) {
    auto r = provctl({"id", "check", "--id-template", kTemplate, "SN-00000042G", "SN-0000O042G", "SN-00000024G"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    auto out = lines(r.out);
    ASSERT_EQ(out.size(), 3u) << r.out;
    EXPECT_EQ(out[0], "SN-00000042G  ok");
    EXPECT_EQ(out[1], "SN-0000O042G  bad: position 8: 'O' is not a digit of the sequence number");
    EXPECT_EQ(out[2], "SN-00000024G  bad: position 12: check character is G, expected K: a character was mistyped or "
                      "two were swapped");
    EXPECT_EQ(r.err, "provctl: error: 2 of 3 IDs not valid\n");
}

TEST(IdScenario, CheckJsonShape) {
    auto r = provctl({"--json", "id", "check", "--id-template", kTemplate, "SN-00000042G", "SX-00000042G"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["schema"], "provctl.id.check/v1");
    EXPECT_EQ(doc["template"], kTemplate);
    ASSERT_EQ(doc["results"].size(), 2u);
    EXPECT_EQ(doc["results"][0], nlohmann::json({{"id", "SN-00000042G"}, {"valid", true}, {"seq", 42}, {"error", nullptr}}));
    EXPECT_EQ(doc["results"][1]["valid"], false);
    EXPECT_TRUE(doc["results"][1]["seq"].is_null());
    EXPECT_EQ(doc["results"][1]["error"], "position 2: 'X' where the template has 'N'");
}

TEST(IdScenario, NextJsonShapeIsAnArrayEvenForOne) {
    auto r = provctl({"--json", "id", "next", "--id-template", "{seq:09}{check}", "--seq", "42"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc, nlohmann::json({{"schema", "provctl.id.next/v1"}, {"template", "{seq:09}{check}"},
                                   {"ids", {"0000000422"}}}));
}

TEST(IdScenario, BadTemplateOrAfterIsUsageError) {
    auto r = provctl({"id", "check", "--id-template", "SN-{serial}", "SN-1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("column 4: unknown placeholder '{serial}'"), std::string::npos) << r.err;

    r = provctl({"id", "next", "--id-template", kTemplate, "--after", "SN-00000042H"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--after 'SN-00000042H': position 12: check character is H, expected G"), std::string::npos)
        << r.err;

    r = provctl({"id", "next", "--id-template", "SN-{seq:02}{check}", "--seq", "98", "--count", "3"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("run past 99"), std::string::npos) << r.err;

    r = provctl({"id", "next", "--id-template", kTemplate, "--seq", "1", "--after", "SN-00000042G"});
    EXPECT_EQ(r.exit_code, 2);

    // Not wrapped round to the largest 64-bit number.
    r = provctl({"id", "next", "--id-template", "{seq}", "--seq", "-1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
}

TEST(IdScenario, SignCsrRefusesAMistypedIdAndWritesNothing) {
    TempDir dir;
    scenario::make_file_hierarchy(dir.path());
    auto o = scenario::openssl({"req", "-new", "-subj", "/CN=dev", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                "-keyout", "dev.key", "-nodes", "-out", "dev.csr"},
                               dir.path());
    ASSERT_EQ(o.exit_code, 0) << o.err;
    auto before = list_dir(dir.path());
    auto sign = [&](const std::string& id) {
        return provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", id, "--id-template", kTemplate,
                        "--issuer-cert", "int.crt", "--issuer-key", "file:int.key", "--issuer-passphrase",
                        "env:PROVCTL_TEST_PASS", "--out", "leaf.crt"},
                       scenario::pass_env(), dir.path());
    };
    auto r = sign("SN-00000024G");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err,
              "provctl: error: --device-id 'SN-00000024G' does not match --id-template 'SN-{seq:08}{check}': "
              "position 12: check character is G, expected K: a character was mistyped or two were swapped\n");
    EXPECT_EQ(list_dir(dir.path()), before);

    r = sign("SN-00000042G");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto text = scenario::openssl({"x509", "-in", "leaf.crt", "-noout", "-ext", "subjectAltName"}, dir.path());
    EXPECT_NE(text.out.find("URI:urn:dev:serial:SN-00000042G"), std::string::npos) << text.out;
}

TEST(IdScenario, SignCsrPlainIdNamesTheBadPosition) {
    TempDir dir;
    scenario::make_file_hierarchy(dir.path());
    auto o = scenario::openssl({"req", "-new", "-subj", "/CN=dev", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                "-keyout", "dev.key", "-nodes", "-out", "dev.csr"},
                               dir.path());
    ASSERT_EQ(o.exit_code, 0) << o.err;
    auto before = list_dir(dir.path());
    auto r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN/42", "--issuer-cert", "int.crt",
                      "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "leaf.crt"},
                     scenario::pass_env(), dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "provctl: error: --device-id 'SN/42': position 3: '/' is not a letter, digit, '-', '_' or '.'\n");
    EXPECT_EQ(list_dir(dir.path()), before);
}
