// Bad input: a one-line error naming the thing, the documented exit code,
// and no file left behind.
#include <gtest/gtest.h>

#include "scenario/scenario.hpp"

using namespace testing_support;
using scenario::pass_env;

namespace {

// One line on stderr, starting with provctl's prefix.
void expect_one_line_error(const RunResult& r, const std::string& needle) {
    EXPECT_EQ(r.err.rfind("provctl: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

class BadInput : public ::testing::Test {
protected:
    void SetUp() override {
        scenario::make_file_hierarchy(dir.path());
        before = list_dir(dir.path());
    }
    void expect_no_new_files() { EXPECT_EQ(list_dir(dir.path()), before); }
    RunResult sign(std::vector<std::string> extra, std::map<std::string, std::string> env = pass_env()) {
        std::vector<std::string> args{"cert", "sign-csr", "--issuer-cert", "int.crt", "--issuer-key", "file:int.key",
                                      "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "leaf.crt"};
        args.insert(args.end(), extra.begin(), extra.end());
        return provctl(args, env, dir.path());
    }
    void make_csr(const std::string& name, const std::vector<std::string>& openssl_args) {
        std::vector<std::string> args{"req", "-new", "-subj", "/CN=dev", "-keyout", name + ".key", "-nodes", "-out", name + ".csr"};
        args.insert(args.end(), openssl_args.begin(), openssl_args.end());
        auto r = scenario::openssl(args, dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        before = list_dir(dir.path());
    }
    TempDir dir;
    std::vector<std::string> before;
};

}  // namespace

TEST_F(BadInput, WrongPassphrase) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto r = sign({"--csr", "dev.csr", "--device-id", "SN-1"}, {{"PROVCTL_TEST_PASS", "not the passphrase"}});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "int.key: wrong passphrase (from env:PROVCTL_TEST_PASS)");
    EXPECT_EQ(r.err.find("not the passphrase"), std::string::npos);
    expect_no_new_files();
}

TEST_F(BadInput, PassphraseOnCommandLineRefused) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-1", "--issuer-cert", "int.crt",
                      "--issuer-key", "file:int.key", "--issuer-passphrase", "pass:hunter2", "--out", "leaf.crt"},
                     {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "use env:NAME or file:PATH");
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos);
    expect_no_new_files();
}

TEST_F(BadInput, NoTerminalForPrompt) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-1", "--issuer-cert", "int.crt",
                      "--issuer-key", "file:int.key", "--out", "leaf.crt"},
                     {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "no terminal to ask for the passphrase for int.key");
    expect_no_new_files();
}

TEST_F(BadInput, CorruptCsr) {
    spit(dir.file("junk.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nnot base64 at all\n-----END CERTIFICATE REQUEST-----\n");
    before = list_dir(dir.path());
    auto r = sign({"--csr", "junk.csr", "--device-id", "SN-1"});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "junk.csr: not a readable certificate signing request");
    expect_no_new_files();
}

TEST_F(BadInput, CorruptIssuerCertificate) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    spit(dir.file("broken.crt"), slurp(dir.file("int.crt")).substr(0, 200));
    before = list_dir(dir.path());
    auto r = provctl({"cert", "sign-csr", "--csr", "dev.csr", "--device-id", "SN-1", "--issuer-cert", "broken.crt",
                      "--issuer-key", "file:int.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--out", "leaf.crt"},
                     pass_env(), dir.path());
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "broken.crt");
    expect_no_new_files();
}

TEST_F(BadInput, CsrWithBadSignature) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-outform", "DER"});
    // Flip one bit inside the signature (the last bytes of the DER request).
    std::string der = slurp(dir.file("dev.csr"));
    der[der.size() - 3] ^= 0x01;
    spit(dir.file("dev.csr"), der);
    auto r = sign({"--csr", "dev.csr", "--device-id", "SN-1"});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "dev.csr: the request's signature does not verify");
    expect_no_new_files();
}

TEST_F(BadInput, CsrWithWeakKey) {
    make_csr("weak", {"-newkey", "rsa:2048"});
    auto r = sign({"--csr", "weak.csr", "--device-id", "SN-1"});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "weak.csr: weak key: RSA 2048");
    expect_no_new_files();
}

TEST_F(BadInput, CsrAskingForCa) {
    make_csr("ca", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-addext", "basicConstraints=critical,CA:TRUE"});
    auto r = sign({"--csr", "ca.csr", "--device-id", "SN-1"});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "asks for CA:TRUE");
    expect_no_new_files();
}

TEST_F(BadInput, ExistingOutputRefusedAndKept) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    spit(dir.file("leaf.crt"), "keep me");
    before = list_dir(dir.path());
    auto r = sign({"--csr", "dev.csr", "--device-id", "SN-1"});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "leaf.crt: output exists; remove it or pass --force");
    EXPECT_EQ(slurp(dir.file("leaf.crt")), "keep me");
    expect_no_new_files();
    r = sign({"--csr", "dev.csr", "--device-id", "SN-1", "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(slurp(dir.file("leaf.crt")).find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST_F(BadInput, ExistingRootKeyRefusedBeforeAnything) {
    auto r = provctl({"ca", "init-root", "--subject", "CN=Again", "--key", "file:root.key", "--passphrase",
                      "env:PROVCTL_TEST_PASS", "--out", "again.crt"},
                     pass_env(), dir.path());
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "root.key: output exists");
    expect_no_new_files();
}

TEST_F(BadInput, ValidityBeyondIssuerRefusedOrClipped) {
    make_csr("dev", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto r = sign({"--csr", "dev.csr", "--device-id", "SN-1", "--days", "4000"});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "validity-within-issuer");
    EXPECT_NE(r.err.find("the issuer's not_after"), std::string::npos);
    expect_no_new_files();
    r = sign({"--csr", "dev.csr", "--device-id", "SN-1", "--days", "4000", "--clip-validity"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: validity clipped"), std::string::npos);
    auto leaf_end = scenario::openssl({"x509", "-in", "leaf.crt", "-noout", "-enddate"}, dir.path()).out;
    auto int_end = scenario::openssl({"x509", "-in", "int.crt", "-noout", "-enddate"}, dir.path()).out;
    EXPECT_EQ(leaf_end, int_end);
}

TEST_F(BadInput, BadSubjectAndKeyType) {
    auto r = provctl({"ca", "init-root", "--subject", "CN=x,XX=y", "--key", "file:r2.key", "--passphrase",
                      "env:PROVCTL_TEST_PASS", "--out", "r2.crt"},
                     pass_env(), dir.path());
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "--subject: unknown attribute type 'XX'");
    r = provctl({"ca", "init-root", "--subject", "CN=x", "--key", "file:r2.key", "--key-type", "rsa-1024",
                 "--passphrase", "env:PROVCTL_TEST_PASS", "--out", "r2.crt"},
                pass_env(), dir.path());
    EXPECT_EQ(r.exit_code, 2);
    expect_one_line_error(r, "--key-type: unknown key type 'rsa-1024'");
    expect_no_new_files();
}

TEST_F(BadInput, UsageErrorsExitTwo) {
    auto r = provctl({"ca", "init-root", "--subject", "CN=x"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--key is required"), std::string::npos) << r.err;
    r = provctl({"cert", "frobnicate"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    r = provctl({"--version"}, {}, dir.path());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("provctl ", 0), 0u);
    expect_no_new_files();
}
