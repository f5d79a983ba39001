#include <gtest/gtest.h>

#include "manifest/ceremony.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

using manifest::parse_ceremony;
using manifest::Problem;

namespace {

const std::string kRoot = R"(version: 1
type: root
name: acme-root-2026
operator: Alice Example
witnesses: [Bob Example, Carol Example]
key:
  location: file:root.key
  type: ec-p384
  passphrase: env:ROOT_PASS
subject: "CN=Acme Root CA 2026,O=Acme"
validity: {days: 7300}
extensions: {path_len: 1}
outputs:
  cert: root.crt
  transcript: root-ceremony.jsonl
)";

const std::string kIntermediate = R"(version: 1
type: intermediate
name: widgets
operator: Alice Example
key: {location: file:widgets.key, type: ec-p256, passphrase: "file:secrets/int.pass"}
subject: "CN=Widgets,O=Acme"
validity: {not_before: 2026-01-01, not_after: "2030-01-01T00:00:00Z"}
extensions:
  ext_key_usage: [clientAuth]
  name_constraints: {permit_dns: [devices.acme.example], exclude_dn: ["O=Evil"]}
  crl_urls: [http://crl.acme.example/w.crl]
issuer: {cert: root.crt, key: file:root.key, passphrase: prompt}
outputs: {cert: widgets.crt, chain: widgets-chain.pem}
)";

// Replaces the first occurrence of `from` in `text`; the test fails if it is absent.
std::string edit(std::string text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
}

std::vector<Problem> problems_of(const std::string& text) {
    auto r = parse_ceremony(text, "c.yaml", "/ceremony");
    EXPECT_FALSE(r.ceremony.has_value());
    return r.problems;
}

bool has_problem(const std::vector<Problem>& ps, int line, const std::string& needle) {
    for (const auto& p : ps)
        if (p.line == line && p.message.find(needle) != std::string::npos) return true;
    return false;
}

std::string dump(const std::vector<Problem>& ps) { return manifest::format_problems("c.yaml", ps); }

}  // namespace

TEST(CeremonyFile, ValidRootParsesWithPathsResolvedAgainstItsFolder) {
    auto r = parse_ceremony(kRoot, "c.yaml", "/ceremony");
    ASSERT_TRUE(r.ceremony) << dump(r.problems);
    const auto& c = *r.ceremony;
    EXPECT_EQ(c.type, manifest::CeremonyType::root);
    EXPECT_EQ(c.name, "acme-root-2026");
    EXPECT_EQ(c.operator_name, "Alice Example");
    EXPECT_EQ(c.witnesses, (std::vector<std::string>{"Bob Example", "Carol Example"}));
    EXPECT_EQ(c.key.location, "file:/ceremony/root.key");
    EXPECT_EQ(c.key.type, pki::KeyType::ec_p384);
    EXPECT_EQ(c.key.access.passphrase, "env:ROOT_PASS");
    EXPECT_EQ(c.validity.days, 7300);
    EXPECT_EQ(c.path_len, 1);
    EXPECT_EQ(c.cert_out, "/ceremony/root.crt");
    EXPECT_EQ(c.transcript, "/ceremony/root-ceremony.jsonl");
    EXPECT_EQ(c.sha256.size(), 64u);
}

TEST(CeremonyFile, ValidIntermediateParses) {
    auto r = parse_ceremony(kIntermediate, "c.yaml", "/ceremony");
    ASSERT_TRUE(r.ceremony) << dump(r.problems);
    const auto& c = *r.ceremony;
    EXPECT_EQ(c.type, manifest::CeremonyType::intermediate);
    EXPECT_EQ(c.key.access.passphrase, "file:/ceremony/secrets/int.pass");
    EXPECT_EQ(c.issuer.cert, "/ceremony/root.crt");
    EXPECT_EQ(c.issuer.key, "file:/ceremony/root.key");
    EXPECT_EQ(c.issuer.access.passphrase, "");  // prompt
    EXPECT_EQ(c.path_len, 0);                   // an intermediate's default, as in issue-intermediate
    EXPECT_EQ(c.validity.not_before, 1767225600);
    EXPECT_EQ(c.validity.not_after, 1893456000);
    EXPECT_EQ(c.ext_key_usage, (std::vector<std::string>{"clientAuth"}));
    EXPECT_EQ(c.name_constraints.permit_dns, (std::vector<std::string>{"devices.acme.example"}));
    EXPECT_EQ(c.name_constraints.exclude_dn, (std::vector<std::string>{"O=Evil"}));
    EXPECT_EQ(c.chain_out, "/ceremony/widgets-chain.pem");
    EXPECT_EQ(c.transcript, "/ceremony/widgets-ceremony.jsonl");  // default beside the file
}

TEST(CeremonyFile, UnknownKeyIsNamedWithItsLineAndParent) {
    auto ps = problems_of(edit(kRoot, "  type: ec-p384\n", "  type: ec-p384\n  subjcet: x\n"));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_EQ(dump(ps), "c.yaml:9: unknown key 'subjcet' under 'key' (expected one of location, type, passphrase, pin, module)");
    ps = problems_of(edit(kRoot, "subject:", "subjcet:"));
    EXPECT_TRUE(has_problem(ps, 10, "unknown key 'subjcet' (did you mean 'subject'?)")) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 1, "missing required field 'subject'")) << dump(ps);
}

TEST(CeremonyFile, EveryMistakeIsReportedOnItsOwnLine) {
    std::string text = edit(kRoot, "type: root", "type: rot");
    text = edit(text, "  type: ec-p384", "  type: ec-p512");
    text = edit(text, "{days: 7300}", "{days: ten}");
    auto ps = problems_of(text);
    ASSERT_EQ(ps.size(), 3u) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 2, "'type' must be root or intermediate, not 'rot'"));
    EXPECT_TRUE(has_problem(ps, 8, "'key.type': unknown key type 'ec-p512'"));
    EXPECT_TRUE(has_problem(ps, 11, "'validity.days' must be a whole number of at least 1, not 'ten'"));
    std::string text3 = dump(ps);
    EXPECT_EQ(std::count(text3.begin(), text3.end(), '\n'), 2) << text3;
    EXPECT_EQ(text3.rfind("c.yaml:2: ", 0), 0u) << text3;  // in file order
}

TEST(CeremonyFile, MissingRequiredFields) {
    auto ps = problems_of(edit(kRoot, "subject: \"CN=Acme Root CA 2026,O=Acme\"\n", ""));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 1, "missing required field 'subject'"));
    ps = problems_of(edit(kRoot, "  location: file:root.key\n", ""));
    EXPECT_TRUE(has_problem(ps, 6, "missing required field 'key.location'")) << dump(ps);
    ps = problems_of(edit(kRoot, "  cert: root.crt\n", ""));
    EXPECT_TRUE(has_problem(ps, 13, "missing required field 'outputs.cert'")) << dump(ps);
    ps = problems_of(edit(kRoot, "subject: \"CN=Acme Root CA 2026,O=Acme\"", "subject:"));
    EXPECT_TRUE(has_problem(ps, 10, "'subject' has no value")) << dump(ps);
}

TEST(CeremonyFile, LiteralSecretsAreRefusedWithoutEchoingThem) {
    auto ps = problems_of(edit(kRoot, "env:ROOT_PASS", "hunter2-hunter2"));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 9, "'key.passphrase' looks like a literal secret"));
    EXPECT_EQ(dump(ps).find("hunter2"), std::string::npos);

    ps = problems_of(edit(kIntermediate, "passphrase: prompt", "passphrase: \"pass:hunter2\""));
    EXPECT_TRUE(has_problem(ps, 12, "'issuer.passphrase' looks like a literal secret")) << dump(ps);
    EXPECT_EQ(dump(ps).find("hunter2"), std::string::npos);

    ps = problems_of(edit(kRoot, "env:ROOT_PASS", "\"env:\""));
    EXPECT_TRUE(has_problem(ps, 9, "looks like a literal secret")) << dump(ps);

    std::string token = edit(kRoot, "  location: file:root.key\n  type: ec-p384\n  passphrase: env:ROOT_PASS\n",
                             "  location: \"pkcs11:token=ca;object=root?pin-value=123456\"\n  type: ec-p384\n  pin: \"654321\"\n");
    ps = problems_of(token);
    ASSERT_EQ(ps.size(), 2u) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 7, "'key.location' carries a PIN (pin-value=)"));
    EXPECT_TRUE(has_problem(ps, 9, "'key.pin' looks like a literal secret"));
    EXPECT_EQ(dump(ps).find("123456"), std::string::npos);
    EXPECT_EQ(dump(ps).find("654321"), std::string::npos);
}

TEST(CeremonyFile, TokenKeysTakeAPinSourceAndModule) {
    std::string token = edit(kRoot, "  location: file:root.key\n  type: ec-p384\n  passphrase: env:ROOT_PASS\n",
                             "  location: \"pkcs11:token=ca;object=root\"\n  type: ec-p384\n  pin: env:PIN\n"
                             "  module: /usr/lib/softhsm/libsofthsm2.so\n");
    auto r = parse_ceremony(token, "c.yaml", "/ceremony");
    ASSERT_TRUE(r.ceremony) << dump(r.problems);
    EXPECT_EQ(r.ceremony->key.location, "pkcs11:token=ca;object=root");
    EXPECT_EQ(r.ceremony->key.access.pin, "env:PIN");
    EXPECT_EQ(r.ceremony->key.access.pkcs11_module, "/usr/lib/softhsm/libsofthsm2.so");

    auto ps = problems_of(edit(token, "  pin: env:PIN\n", "  pin: env:PIN\n  passphrase: env:X\n"));
    EXPECT_TRUE(has_problem(ps, 10, "'key.passphrase' applies to file: keys")) << dump(ps);
    ps = problems_of(edit(kRoot, "  passphrase: env:ROOT_PASS\n", "  pin: env:PIN\n"));
    EXPECT_TRUE(has_problem(ps, 9, "'key.pin' applies to pkcs11: keys")) << dump(ps);
}

TEST(CeremonyFile, FieldsThatDoNotBelongToTheType) {
    std::string root = kRoot + "issuer: {cert: other.crt, key: file:other.key}\n";
    root = edit(root, "{path_len: 1}", "{path_len: 1, ext_key_usage: [clientAuth]}");
    root = edit(root, "  cert: root.crt\n", "  cert: root.crt\n  chain: root-chain.pem\n");
    auto ps = problems_of(root);
    ASSERT_EQ(ps.size(), 3u) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 12, "'extensions.ext_key_usage' does not belong in a root ceremony"));
    EXPECT_TRUE(has_problem(ps, 15, "'outputs.chain' does not belong in a root ceremony"));
    EXPECT_TRUE(has_problem(ps, 17, "'issuer' does not belong in a root ceremony"));

    ps = problems_of(edit(kIntermediate, "issuer: {cert: root.crt, key: file:root.key, passphrase: prompt}\n", ""));
    ASSERT_EQ(ps.size(), 1u) << dump(ps);
    EXPECT_TRUE(has_problem(ps, 1, "missing required field 'issuer'"));
}

TEST(CeremonyFile, WrongTypesAndValues) {
    auto ps = problems_of(edit(kRoot, "witnesses: [Bob Example, Carol Example]", "witnesses: Bob Example"));
    EXPECT_TRUE(has_problem(ps, 5, "'witnesses' must be a list")) << dump(ps);
    ps = problems_of(edit(kRoot, "{path_len: 1}", "{path_len: -1}"));
    EXPECT_TRUE(has_problem(ps, 12, "'extensions.path_len' must be a whole number of at least 0")) << dump(ps);
    ps = problems_of(edit(kRoot, "validity: {days: 7300}", "validity: {days: 30, not_after: 2030-01-01}"));
    EXPECT_TRUE(has_problem(ps, 11, "either 'days' or 'not_before'/'not_after'")) << dump(ps);
    ps = problems_of(edit(kRoot, "validity: {days: 7300}", "validity: {not_after: 2030-02-31}"));
    EXPECT_TRUE(has_problem(ps, 11, "'validity.not_after' is not a time")) << dump(ps);
    ps = problems_of(edit(kRoot, "version: 1", "version: 2"));
    EXPECT_TRUE(has_problem(ps, 1, "'version' 2 is not supported")) << dump(ps);
    ps = problems_of(edit(kRoot, "  location: file:root.key", "  location: root.key"));
    EXPECT_TRUE(has_problem(ps, 7, "'key.location' must be file:PATH or a pkcs11: URI")) << dump(ps);
    ps = problems_of(edit(kRoot, "\"CN=Acme Root CA 2026,O=Acme\"", "\"XX=Acme\""));
    EXPECT_TRUE(has_problem(ps, 10, "unknown attribute type 'XX'")) << dump(ps);
    ps = problems_of(edit(kIntermediate, "[clientAuth]", "[clientAuthh]"));
    EXPECT_TRUE(has_problem(ps, 9, "'clientAuthh' is unknown")) << dump(ps);
    ps = problems_of(edit(kIntermediate, "[http://crl.acme.example/w.crl]", "[\"crl.acme.example\"]"));
    EXPECT_TRUE(has_problem(ps, 11, "is not an http(s) or ldap URL")) << dump(ps);
    ps = problems_of(edit(kRoot, "operator: Alice Example", "operator: {name: Alice}"));
    EXPECT_TRUE(has_problem(ps, 4, "'operator' must be text, not a mapping")) << dump(ps);
    ps = problems_of(edit(kRoot, "name: acme-root-2026\n", "name: acme-root-2026\nname: again\n"));
    EXPECT_TRUE(has_problem(ps, 4, "key 'name' appears twice (first on line 3)")) << dump(ps);
}

TEST(CeremonyFile, OutputsMayNotOverwriteEachOtherOrTheIssuer) {
    auto ps = problems_of(edit(kIntermediate, "{cert: widgets.crt, chain: widgets-chain.pem}", "{cert: root.crt}"));
    EXPECT_TRUE(has_problem(ps, 13, "'outputs.cert' names the input 'issuer.cert'")) << dump(ps);
    ps = problems_of(edit(kRoot, "transcript: root-ceremony.jsonl", "transcript: ./root.crt"));
    EXPECT_TRUE(has_problem(ps, 13, "'outputs.transcript' and 'outputs.cert' name the same file")) << dump(ps);
}

TEST(CeremonyFile, SyntaxErrorsAndNonMappings) {
    auto ps = problems_of("version: 1\ntype: [root\n");
    ASSERT_EQ(ps.size(), 1u);
    EXPECT_NE(ps[0].message.find("YAML syntax error"), std::string::npos);
    EXPECT_GT(ps[0].line, 0);
    ps = problems_of("");
    EXPECT_TRUE(has_problem(ps, 1, "the file must be a mapping")) << dump(ps);
    ps = problems_of(edit(kRoot, "validity: {days: 7300}", "validity: 7300"));
    EXPECT_TRUE(has_problem(ps, 11, "'validity' must be a mapping of (days, not_before, not_after)")) << dump(ps);
}

TEST(CeremonyFile, LoadListsEveryProblemInOneUsageError) {
    testing_support::TempDir dir;
    std::string path = dir.file("c.yaml");
    testing_support::spit(path, edit(edit(kRoot, "type: root", "type: rot"), "subject:", "subjcet:"));
    try {
        manifest::load_ceremony(path);
        FAIL() << "expected an error";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        std::string m = e.what();
        EXPECT_NE(m.find(path + ": 3 problems in the ceremony file\n"), std::string::npos) << m;
        EXPECT_NE(m.find("\n" + path + ":2: 'type' must be root or intermediate"), std::string::npos) << m;
        EXPECT_NE(m.find("\n" + path + ":10: unknown key 'subjcet'"), std::string::npos) << m;
    }
    testing_support::spit(path, kRoot);
    auto c = manifest::load_ceremony(path);
    EXPECT_EQ(c.cert_out, dir.file("root.crt"));
    EXPECT_EQ(c.file, path);
}
