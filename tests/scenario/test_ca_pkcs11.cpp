// CA keys inside a SoftHSM2 token, driven through the real binary. Each test
// makes its own token in a temp folder; pkcs11-tool (opensc) is the
// independent reader of what ended up on the token.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <sstream>

#include "scenario/scenario.hpp"

using namespace testing_support;
using scenario::openssl;

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(' ');
    size_t e = s.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The value of "  name:   value" lines in pkcs11-tool listings.
std::optional<std::string> field(const std::string& line, const std::string& name) {
    std::string t = trim(line);
    if (t.rfind(name, 0) != 0) return std::nullopt;
    return trim(t.substr(name.size()));
}

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr const char* kLabel = "provctl-ca";
constexpr const char* kPin = "4711-user-pin";
constexpr const char* kSoPin = "0815-so-pin";

// A SoftHSM2 token of its own: configuration and token files in a temp
// folder, apart from the folder the CA writes its outputs to.
class Token {
public:
    Token() {
        ::mkdir(home_.file("tokens").c_str(), 0700);
        spit(conf(), "directories.tokendir = " + home_.file("tokens") +
                         "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        auto r = run({"softhsm2-util", "--init-token", "--free", "--label", kLabel, "--pin", kPin, "--so-pin", kSoPin},
                     {{"SOFTHSM2_CONF", conf()}});
        if (r.exit_code != 0) ADD_FAILURE() << "softhsm2-util: " << r.out << r.err;
    }
    std::string conf() const { return home_.file("softhsm2.conf"); }
    std::string file(const std::string& name) const { return home_.file(name); }

    // What provctl gets: the token's configuration and the PIN in PROVCTL_TEST_PIN.
    std::map<std::string, std::string> env(const std::string& pin = kPin) const {
        return {{"SOFTHSM2_CONF", conf()}, {"PROVCTL_TEST_PIN", pin}};
    }

    RunResult tool(std::vector<std::string> args) const {
        args.insert(args.begin(), {"pkcs11-tool", "--module", kModule});
        return run(args, {{"SOFTHSM2_CONF", conf()}});
    }
    // pkcs11-tool's listing of objects of one type (privkey, pubkey), logged in.
    std::string list(const std::string& type) const {
        auto r = tool({"--login", "--pin", kPin, "--list-objects", "--type", type});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }
    // The "Access:" flags pkcs11-tool prints for the private key labelled `label`.
    std::set<std::string> access_of(const std::string& label) const {
        std::istringstream in(list("privkey"));
        std::string line, current;
        while (std::getline(in, line)) {
            if (line.rfind("Private Key Object", 0) == 0) current.clear();
            if (auto v = field(line, "label:")) current = *v;
            if (auto v = field(line, "Access:"); v && current == label) {
                std::set<std::string> flags;
                std::istringstream parts(*v);
                for (std::string flag; std::getline(parts, flag, ',');) flags.insert(trim(flag));
                return flags;
            }
        }
        ADD_FAILURE() << "no private key labelled " << label << " on the token";
        return {};
    }
    // Whether any private or public key object carries this label.
    bool has_object(const std::string& label) const {
        std::istringstream in(list("privkey") + list("pubkey"));
        for (std::string line; std::getline(in, line);)
            if (field(line, "label:") == label) return true;
        return false;
    }

private:
    TempDir home_;
};

RunResult provctl_on(const Token& token, std::vector<std::string> args, const std::string& cwd,
                     const std::string& pin = kPin) {
    args.insert(args.begin(), {"--pkcs11-module", kModule});
    return provctl(args, token.env(pin), cwd);
}

std::string key_uri(const std::string& object, const std::string& query = "") {
    return std::string("pkcs11:token=") + kLabel + ";object=" + object + query;
}

// Root "root-key" and intermediate "int-key" on the token, certificates in `dir`.
void make_token_hierarchy(const Token& token, const std::string& dir) {
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Token Root,O=Provctl Tests", "--key",
                                key_uri("root-key", "?pin-source=env:PROVCTL_TEST_PIN"), "--out", "root.crt"},
                        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl_on(token, {"ca", "issue-intermediate", "--subject", "CN=Token Devices,O=Provctl Tests", "--key",
                           key_uri("int-key"), "--pin", "env:PROVCTL_TEST_PIN", "--issuer-cert", "root.crt",
                           "--issuer-key", key_uri("root-key"), "--issuer-pin", "env:PROVCTL_TEST_PIN", "--out", "int.crt"},
                   dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

// A device request made in a folder of its own: the device key is the device's
// business and must not be mistaken for CA key material in the CA's folder.
void make_device_csr(const std::string& dir) {
    TempDir device;
    auto r = provctl({"csr", "create", "--subject", "CN=ignored", "--new-key", "dev.key", "--out", "dev.csr"}, {},
                     device.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    spit(dir + "/dev.csr", slurp(device.file("dev.csr")));
}

void expect_no_private_key_on_disk(const std::string& dir) {
    for (const auto& name : list_dir(dir)) EXPECT_EQ(slurp(dir + "/" + name).find("PRIVATE KEY"), std::string::npos) << name;
}

}  // namespace

TEST(CaPkcs11, RootIntermediateAndDeviceSignedInsideTheToken) {
    Token token;
    TempDir work;
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Token Root,O=Provctl Tests", "--key",
                                key_uri("root-key", "?pin-source=env:PROVCTL_TEST_PIN"), "--out", "root.crt"},
                        work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("key               pkcs11:token=provctl-ca;object=root-key;id=%"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(kPin), std::string::npos);

    // The module from the environment this time, and an RSA intermediate.
    auto env = token.env();
    env["PROVCTL_PKCS11_MODULE"] = kModule;
    r = provctl({"ca", "issue-intermediate", "--subject", "CN=Token Devices,O=Provctl Tests", "--key", key_uri("int-key"),
                 "--key-type", "rsa-3072", "--pin", "env:PROVCTL_TEST_PIN", "--issuer-cert", "root.crt", "--issuer-key",
                 key_uri("root-key"), "--issuer-pin", "env:PROVCTL_TEST_PIN", "--out", "int.crt"},
                env, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;

    make_device_csr(work.path());
    // The PIN from a file named by a bare path, as RFC 7512 allows.
    spit(token.file("pin"), std::string(kPin) + "\n");
    r = provctl_on(token, {"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-000777", "--issuer-cert", "int.crt",
                           "--issuer-key", key_uri("int-key", "?pin-source=" + token.file("pin")), "--out", "dev.crt"},
                   work.path(), "unused");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");

    r = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "-untrusted", "int.crt", "int.crt", "dev.crt"}, work.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = openssl({"verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "root.crt", "-untrusted", "int.crt", "dev.crt"},
                work.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

    auto root = openssl({"x509", "-in", "root.crt", "-noout", "-text"}, work.path()).out;
    EXPECT_NE(root.find("X509v3 Basic Constraints: critical\n                CA:TRUE"), std::string::npos) << root;
    EXPECT_NE(root.find("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"), std::string::npos) << root;
    EXPECT_NE(root.find("X509v3 Subject Key Identifier"), std::string::npos);
    EXPECT_NE(root.find("ecdsa-with-SHA256"), std::string::npos);
    auto inter = openssl({"x509", "-in", "int.crt", "-noout", "-text"}, work.path()).out;
    EXPECT_NE(inter.find("CA:TRUE, pathlen:0"), std::string::npos) << inter;
    EXPECT_NE(inter.find("Digital Signature, Certificate Sign, CRL Sign"), std::string::npos) << inter;
    EXPECT_NE(inter.find("X509v3 Authority Key Identifier"), std::string::npos);
    EXPECT_NE(inter.find("Public-Key: (3072 bit)"), std::string::npos);
    auto dev = openssl({"x509", "-in", "dev.crt", "-noout", "-text"}, work.path()).out;
    EXPECT_NE(dev.find("sha256WithRSAEncryption"), std::string::npos) << dev;  // signed by the RSA token key
    EXPECT_NE(dev.find("CA:FALSE"), std::string::npos);
    EXPECT_NE(dev.find("TLS Web Client Authentication"), std::string::npos);
    EXPECT_NE(dev.find("URI:urn:dev:serial:SN-000777"), std::string::npos);

    // The certificates certify the keys on the token, as pkcs11-tool reads them.
    for (const std::string name : {"root", "int"}) {
        auto read = token.tool({"--read-object", "--type", "pubkey", "--label", name + "-key", "--output-file",
                                token.file(name + "-pub.der")});
        ASSERT_EQ(read.exit_code, 0) << read.err;
        auto from_token = openssl({"pkey", "-pubin", "-inform", "DER", "-in", token.file(name + "-pub.der")}).out;
        auto from_cert = openssl({"x509", "-in", work.file(name + ".crt"), "-noout", "-pubkey"}).out;
        EXPECT_FALSE(from_token.empty());
        EXPECT_EQ(from_token, from_cert) << name;
    }

    // Made inside the token, never readable from outside, sign-only.
    for (const std::string label : {"root-key", "int-key"}) {
        auto access = token.access_of(label);
        EXPECT_TRUE(access.count("sensitive")) << label;
        EXPECT_TRUE(access.count("always sensitive")) << label;
        EXPECT_TRUE(access.count("never extractable")) << label;
        EXPECT_FALSE(access.count("extractable")) << label;
    }
    auto keys = token.list("privkey");
    EXPECT_EQ(keys.find("decrypt"), std::string::npos) << keys;
    EXPECT_EQ(keys.find("derive"), std::string::npos) << keys;

    // No private key bytes reached disk: only the expected outputs exist.
    EXPECT_EQ(list_dir(work.path()), (std::vector<std::string>{"dev.crt", "dev.csr", "int.crt", "root.crt"}));
    expect_no_private_key_on_disk(work.path());
}

TEST(CaPkcs11, WrongPinIsRefusedWithoutShowingIt) {
    Token token;
    TempDir work;
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Root", "--key", key_uri("root-key"), "--pin",
                                "env:PROVCTL_TEST_PIN", "--out", "root.crt"},
                        work.path(), "9999-not-the-pin");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("token 'provctl-ca': wrong PIN (from env:PROVCTL_TEST_PIN)"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("9999-not-the-pin"), std::string::npos);
    EXPECT_EQ(r.out.find("9999-not-the-pin"), std::string::npos);
    EXPECT_TRUE(list_dir(work.path()).empty());
    EXPECT_FALSE(token.has_object("root-key"));
}

TEST(CaPkcs11, NoModuleOrAMissingOneIsNamed) {
    Token token;
    TempDir work;
    std::vector<std::string> root{"ca", "init-root", "--subject", "CN=Root", "--key", key_uri("root-key"),
                                  "--pin", "env:PROVCTL_TEST_PIN", "--out", "root.crt"};
    auto r = provctl(root, token.env(), work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no PKCS#11 module: give module-path= in the URI, --pkcs11-module or PROVCTL_PKCS11_MODULE"),
              std::string::npos)
        << r.err;

    auto with_missing = root;
    with_missing.insert(with_missing.begin(), {"--pkcs11-module", "/nonexistent/libnothing.so"});
    r = provctl(with_missing, token.env(), work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("PKCS#11 module /nonexistent/libnothing.so does not exist"), std::string::npos) << r.err;
    EXPECT_TRUE(list_dir(work.path()).empty());
}

TEST(CaPkcs11, ModulePathToAFileThatIsNoModuleIsRefused) {
    Token token;
    TempDir work;
    spit(token.file("not-a-module.so"), "this is text, not a shared object\n");
    auto r = provctl({"ca", "init-root", "--subject", "CN=Root", "--key",
                      key_uri("root-key", "?module-path=" + token.file("not-a-module.so") + "&pin-source=env:PROVCTL_TEST_PIN"),
                      "--out", "root.crt"},
                     token.env(), work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("PKCS#11 module " + token.file("not-a-module.so") + " cannot be loaded"), std::string::npos) << r.err;
    EXPECT_TRUE(list_dir(work.path()).empty());
}

TEST(CaPkcs11, TokenNotPresentListsTheTokensThatAre) {
    Token token;
    TempDir work;
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Root", "--key",
                                "pkcs11:token=no-such-token;object=root-key", "--pin", "env:PROVCTL_TEST_PIN", "--out",
                                "root.crt"},
                        work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no token matches pkcs11:token=no-such-token"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tokens present: 'provctl-ca' (serial "), std::string::npos) << r.err;
    EXPECT_TRUE(list_dir(work.path()).empty());
}

TEST(CaPkcs11, KeyObjectNotPresentNamesTokenAndUri) {
    Token token;
    TempDir work;
    make_token_hierarchy(token, work.path());
    make_device_csr(work.path());
    auto r = provctl_on(token, {"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-1", "--issuer-cert", "int.crt",
                                "--issuer-key", key_uri("no-such-key"), "--issuer-pin", "env:PROVCTL_TEST_PIN", "--out",
                                "dev.crt"},
                        work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("token 'provctl-ca' has no private key pkcs11:token=provctl-ca;object=no-such-key"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(exists(work.file("dev.crt")));
}

TEST(CaPkcs11, TokenKeyThatDoesNotMatchTheIssuerCertSignsNothing) {
    Token token;
    TempDir work;
    make_token_hierarchy(token, work.path());
    make_device_csr(work.path());
    // The root's certificate with the intermediate's key.
    auto r = provctl_on(token, {"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-1", "--issuer-cert", "root.crt",
                                "--issuer-key", key_uri("int-key"), "--issuer-pin", "env:PROVCTL_TEST_PIN", "--out",
                                "dev.crt", "--chain-out", "dev-chain.pem"},
                        work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("the issuer key does not match the issuer certificate's public key; nothing was signed"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(list_dir(work.path()), (std::vector<std::string>{"dev.csr", "int.crt", "root.crt"}));
}

TEST(CaPkcs11, ExtractableTokenKeyIsRefusedUnlessAllowed) {
    Token token;
    TempDir work;
    // A CA key made outside and imported as extractable: the kind of key a
    // CA must not use without knowing it.
    auto r = openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", token.file("imp.pem")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(openssl({"pkey", "-in", token.file("imp.pem"), "-pubout", "-out", token.file("imp.pub")}).exit_code, 0);
    r = openssl({"req", "-x509", "-new", "-key", token.file("imp.pem"), "-subj", "/CN=Imported CA", "-days", "30",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 "-out", work.file("imp.crt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = token.tool({"--login", "--pin", kPin, "--write-object", token.file("imp.pem"), "--type", "privkey", "--label",
                    "imported", "--id", "0a0b", "--usage-sign", "--extractable"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = token.tool({"--login", "--pin", kPin, "--write-object", token.file("imp.pub"), "--type", "pubkey", "--label",
                    "imported", "--id", "0a0b"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto access = token.access_of("imported");
    EXPECT_TRUE(access.count("extractable"));
    EXPECT_FALSE(access.count("never extractable"));

    make_device_csr(work.path());
    std::vector<std::string> sign{"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-1", "--issuer-cert",
                                  "imp.crt", "--issuer-key", key_uri("imported"), "--issuer-pin", "env:PROVCTL_TEST_PIN",
                                  "--days", "10", "--out", "dev.crt"};
    r = provctl_on(token, sign, work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("token key pkcs11:token=provctl-ca;object=imported can be read out of the token "
                         "(CKA_EXTRACTABLE is true)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--allow-extractable"), std::string::npos);
    EXPECT_FALSE(exists(work.file("dev.crt")));

    // ca issue-intermediate takes the same flag for its issuer key.
    std::vector<std::string> inter{"ca", "issue-intermediate", "--subject", "CN=Under Imported", "--csr", "dev.csr",
                                   "--issuer-cert", "imp.crt", "--issuer-key", key_uri("imported"), "--issuer-pin",
                                   "env:PROVCTL_TEST_PIN", "--days", "10", "--out", "int.crt"};
    r = provctl_on(token, inter, work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("CKA_EXTRACTABLE is true"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(work.file("int.crt")));

    sign.push_back("--allow-extractable");
    r = provctl_on(token, sign, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("provctl: warning: token key pkcs11:token=provctl-ca;object=imported can be read out of the "
                         "token (CKA_EXTRACTABLE is true); used only because of --allow-extractable"),
              std::string::npos)
        << r.err;
    r = openssl({"verify", "-CAfile", "imp.crt", "dev.crt"}, work.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

    inter.push_back("--allow-extractable");
    r = provctl_on(token, inter, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("provctl: warning: token key pkcs11:token=provctl-ca;object=imported can be read out"),
              std::string::npos)
        << r.err;
}

TEST(CaPkcs11, PinValueInTheUriIsRefused) {
    Token token;
    TempDir work;
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Root", "--key",
                                key_uri("root-key", std::string("?pin-value=") + kPin), "--out", "root.crt"},
                        work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("a PIN on the command line is visible to every user"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("pin-source=env:NAME"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(kPin), std::string::npos) << r.err;
    EXPECT_TRUE(list_dir(work.path()).empty());
    EXPECT_FALSE(token.has_object("root-key"));
}

TEST(CaPkcs11, FailedCeremonyLeavesNoKeyOnTheToken) {
    Token token;
    TempDir work;
    // ~8000 years: the key is made, then the certificate fails lint.
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Root", "--key", key_uri("root-key"), "--pin",
                                "env:PROVCTL_TEST_PIN", "--days", "3000000", "--out", "root.crt"},
                        work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("lint failed: validity-order"), std::string::npos) << r.err;
    EXPECT_TRUE(list_dir(work.path()).empty());
    EXPECT_FALSE(token.has_object("root-key"));

    // An intermediate under a pathlen:0 issuer fails lint after its key was
    // made; the new key goes, the issuer's stays.
    make_token_hierarchy(token, work.path());
    r = provctl_on(token, {"ca", "issue-intermediate", "--subject", "CN=Too Deep", "--key", key_uri("deep-key"),
                           "--pin", "env:PROVCTL_TEST_PIN", "--issuer-cert", "int.crt", "--issuer-key", key_uri("int-key"),
                           "--issuer-pin", "env:PROVCTL_TEST_PIN", "--days", "30", "--out", "deep.crt"},
                   work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("issuer-path-length"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(work.file("deep.crt")));
    EXPECT_FALSE(token.has_object("deep-key"));
    EXPECT_TRUE(token.has_object("int-key"));
    EXPECT_TRUE(token.has_object("root-key"));
}

TEST(CaPkcs11, ExistingLabelIsNeverReplaced) {
    Token token;
    TempDir work;
    make_token_hierarchy(token, work.path());
    auto before = token.list("privkey") + token.list("pubkey");
    auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Second Root", "--key", key_uri("root-key"), "--pin",
                                "env:PROVCTL_TEST_PIN", "--out", "root2.crt"},
                        work.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("token 'provctl-ca' already has an object labelled 'root-key'"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(work.file("root2.crt")));
    EXPECT_EQ(token.list("privkey") + token.list("pubkey"), before);
}

TEST(CaPkcs11, P384AndRsa4096RootsSignWithTheMatchingDigest) {
    Token token;
    TempDir work;
    for (const auto& [type, alg] : std::vector<std::pair<std::string, std::string>>{
             {"ec-p384", "ecdsa-with-SHA384"}, {"rsa-4096", "sha256WithRSAEncryption"}}) {
        auto r = provctl_on(token, {"ca", "init-root", "--subject", "CN=Root " + type, "--key", key_uri("root-" + type),
                                    "--key-type", type, "--pin", "env:PROVCTL_TEST_PIN", "--out", type + ".crt"},
                            work.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto text = openssl({"x509", "-in", type + ".crt", "-noout", "-text"}, work.path()).out;
        EXPECT_NE(text.find("Signature Algorithm: " + alg), std::string::npos) << text;
        r = openssl({"verify", "-x509_strict", "-CAfile", type + ".crt", type + ".crt"}, work.path());
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        auto access = token.access_of("root-" + type);
        EXPECT_TRUE(access.count("sensitive") && access.count("never extractable")) << type;
    }
}

// Ceremony files with both CA keys on one token: the root ceremony makes its
// key there, the intermediate ceremony signs with it and makes its own, in one
// process that shares the loaded module between the two keys.
TEST(CaPkcs11, CeremoniesWithTokenKeysVerify) {
    Token token;
    TempDir dir;
    spit(dir.file("root.yaml"), std::string("version: 1\ntype: root\nname: token-root\noperator: Test Operator\n"
                                             "key:\n  location: \"") + key_uri("root-key") +
                                    "\"\n  type: ec-p384\n  pin: env:PROVCTL_TEST_PIN\n"
                                    "subject: \"CN=Token Ceremony Root,O=Provctl Tests\"\nvalidity: {days: 3650}\n"
                                    "extensions: {path_len: 0}\noutputs: {cert: root.crt, transcript: root.jsonl}\n");
    spit(dir.file("int.yaml"), std::string("version: 1\ntype: intermediate\nname: token-int\noperator: Test Operator\n"
                                            "key:\n  location: \"") + key_uri("int-key") +
                                   "\"\n  type: ec-p256\n  pin: env:PROVCTL_TEST_PIN\n"
                                   "subject: \"CN=Token Ceremony Devices,O=Provctl Tests\"\nvalidity: {days: 365}\n"
                                   "issuer:\n  cert: root.crt\n  key: \"" + key_uri("root-key") +
                                   "\"\n  pin: env:PROVCTL_TEST_PIN\n"
                                   "outputs: {cert: int.crt, transcript: int.jsonl}\n");
    auto r = provctl_on(token, {"ca", "ceremony", "run", "root.yaml", "--yes"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // A root with path length 0 cannot sign a CA: the intermediate ceremony
    // must fail its lint and leave no new key on the token.
    r = provctl_on(token, {"ca", "ceremony", "run", "int.yaml", "--yes"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("issuer-path-length"), std::string::npos) << r.err;
    EXPECT_FALSE(token.has_object("int-key"));
    EXPECT_FALSE(exists(dir.file("int.crt")));
    r = provctl({"ca", "ceremony", "verify", "int.jsonl"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // an aborted ceremony's transcript is intact
    EXPECT_NE(r.out.find("aborted"), std::string::npos) << r.out;

    // Redo the root with room for one intermediate, then the intermediate succeeds.
    std::string root_yaml = slurp(dir.file("root.yaml"));
    root_yaml.replace(root_yaml.find("path_len: 0"), 11, "path_len: 1");
    root_yaml.replace(root_yaml.find("root-key"), 8, "root2-key");
    spit(dir.file("root.yaml"), root_yaml);
    std::string int_yaml = slurp(dir.file("int.yaml"));
    int_yaml.replace(int_yaml.rfind("root-key"), 8, "root2-key");
    spit(dir.file("int.yaml"), int_yaml);
    r = provctl_on(token, {"ca", "ceremony", "run", "root.yaml", "--yes", "--force"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl_on(token, {"ca", "ceremony", "run", "int.yaml", "--yes", "--force"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(token.has_object("int-key"));
    EXPECT_EQ(token.access_of("int-key").count("never extractable"), 1u);
    r = openssl({"verify", "-x509_strict", "-CAfile", "root.crt", "int.crt"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    for (const char* t : {"root.jsonl", "int.jsonl"}) {
        r = provctl({"ca", "ceremony", "verify", t}, {}, dir.path());
        EXPECT_EQ(r.exit_code, 0) << t << ": " << r.out << r.err;
        EXPECT_EQ(slurp(dir.file(t)).find(kPin), std::string::npos);
    }
    for (const auto& name : list_dir(dir.path()))
        EXPECT_EQ(slurp(dir.file(name)).find("PRIVATE KEY"), std::string::npos) << name;
}

TEST(CaPkcs11, CrlSignedInsideTheToken) {
    Token token;
    TempDir dir;
    make_token_hierarchy(token, dir.path());
    auto r = provctl_on(token, {"--json", "ca", "crl", "--issuer-cert", "int.crt", "--issuer-key", key_uri("int-key"),
                                "--issuer-pin", "env:PROVCTL_TEST_PIN", "--registry", "sqlite:reg.db", "--out", "int.crl"},
                        dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"crl_number\": 1"), std::string::npos) << r.out;
    r = openssl({"crl", "-in", "int.crl", "-CAfile", "int.crt", "-noout", "-verify"}, dir.path());
    EXPECT_NE((r.out + r.err).find("verify OK"), std::string::npos) << r.out << r.err;
    // The root's token key is not the intermediate's: refused before signing.
    r = provctl_on(token, {"ca", "crl", "--issuer-cert", "int.crt", "--issuer-key", key_uri("root-key"), "--issuer-pin",
                           "env:PROVCTL_TEST_PIN", "--registry", "sqlite:reg.db", "--out", "bad.crl"},
                   dir.path());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("does not match"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir.file("bad.crl")));
    expect_no_private_key_on_disk(dir.path());
}

TEST(CaPkcs11, BatchSignedInsideTheTokenFromSeveralThreads) {
    Token token;
    TempDir dir;
    make_token_hierarchy(token, dir.path());
    auto r = openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "station.key", "-out", "station.crt",
                      "-subj", "/CN=Station", "-days", "30"},
                     dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = provctl_on(token, {"--json", "batch", "generate", "--count", "40", "--id-template", "SN-{seq:08}{check}",
                           "--issuer-cert", "int.crt", "--issuer-key", key_uri("int-key"), "--issuer-pin",
                           "env:PROVCTL_TEST_PIN", "--chain", "root.crt", "--recipient", "station.crt", "--jobs", "4",
                           "--out", "b1", "--batch-id", "T1", "--registry", "sqlite:reg.db"},
                   dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"issued\": 40"), std::string::npos) << r.out;
    std::vector<std::string> verify{"verify", "-CAfile", "root.crt", "-untrusted", "int.crt"};
    for (const auto& name : list_dir(dir.file("b1/devices")))
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".crt") == 0) verify.push_back("b1/devices/" + name);
    ASSERT_EQ(verify.size(), 45u);
    r = openssl(verify, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    // An RSA station receives the keys by key transport; openssl opens them.
    r = openssl({"cms", "-decrypt", "-inform", "DER", "-in", "b1/devices/SN-00000001Y.key.p7m", "-recip",
                 "station.crt", "-inkey", "station.key", "-out", "dev.key"},
                dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(openssl({"pkey", "-in", "dev.key", "-check", "-noout"}, dir.path()).exit_code, 0);
}
