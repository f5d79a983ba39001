// provctl batch generate / sign-csrs / unseal through the real binary. What we
// issue is checked with openssl (verify, x509, cms -decrypt, asn1parse), the
// registry with raw SQL, and interrupted runs with a real kill -9.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pki/cert_io.hpp"
#include "scenario/scenario.hpp"
#include "support/registry_backends.hpp"
#include "util/ossl.hpp"

using namespace testing_support;
using nlohmann::json;
using scenario::openssl;

namespace {

const std::string kTemplate = "SN-{seq:08}{check}";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

class Batch : public ::testing::Test {
protected:
    void SetUp() override {
        scenario::make_file_hierarchy(dir.path());
        ASSERT_EQ(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                           "station.key", "-out", "station.crt", "-subj", "/CN=Station 1", "-days", "30"},
                          dir.path())
                      .exit_code,
                  0);
        backend = make_sqlite_backend();
    }

    std::vector<std::string> generate_args(const std::string& out, const std::string& batch_id, int start, int count) {
        return {"batch", "generate", "--count", std::to_string(count), "--start", std::to_string(start),
                "--id-template", kTemplate, "--issuer-cert", "int.crt", "--issuer-key", "file:int.key",
                "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--chain", "root.crt", "--recipient", "station.crt",
                "--days", "365", "--out", out, "--batch-id", batch_id, "--registry", backend->url(),
                "--operator", "ci", "--station", "line-1"};
    }

    RunResult run(std::vector<std::string> args, bool json_out = true) {
        if (json_out) args.insert(args.begin(), "--json");
        return provctl(args, scenario::pass_env(), dir.path());
    }

    std::string count(const std::string& sql) { return backend->connect()->column(sql).at(0); }

    // Everything the issue promises after any run that exited 0: exactly the
    // planned devices, one active certificate each, files matching rows.
    void expect_consistent(const std::string& out, size_t n) {
        auto db = backend->connect();
        EXPECT_EQ(db->column("SELECT COUNT(*) FROM devices")[0], std::to_string(n));
        EXPECT_EQ(db->column("SELECT COUNT(*) FROM certificates")[0], std::to_string(n)) << "orphan certificate rows";
        EXPECT_EQ(db->column("SELECT COUNT(*) FROM certificates WHERE status = 'active'")[0], std::to_string(n));
        EXPECT_EQ(db->column("SELECT COUNT(DISTINCT device_id) FROM certificates WHERE status = 'active'")[0],
                  std::to_string(n));
        auto mapping = lines_of(slurp(dir.file(out + "/mapping.csv")));
        ASSERT_EQ(mapping.size(), n + 1);
        EXPECT_EQ(mapping[0], "device_id,hardware_serial,cert_serial,sha256,not_after,cert_file,key_file,chain_file");
        std::set<std::string> ids;
        for (size_t i = 1; i < mapping.size(); ++i) {
            auto f = split(mapping[i], ',');
            ASSERT_EQ(f.size(), 8u) << mapping[i];
            EXPECT_TRUE(ids.insert(f[0]).second) << "mapping line twice: " << f[0];
            auto cert = pki::read_certificate(dir.file(out + "/" + f[5]));
            EXPECT_EQ(util::cert_sha256_hex(cert.get()), f[3]) << f[0];
            EXPECT_EQ(util::serial_hex(X509_get0_serialNumber(cert.get())), f[2]) << f[0];
            EXPECT_EQ(db->column("SELECT fingerprint FROM certificates WHERE device_id = '" + f[0] +
                                 "' AND status = 'active'")[0],
                      f[3]);
            EXPECT_TRUE(exists(dir.file(out + "/" + f[6]))) << f[6];
        }
        auto files = list_dir(dir.file(out + "/devices"));
        EXPECT_EQ(files.size(), 2 * n) << "orphan or missing device files";
        for (const auto& name : files) EXPECT_NE(name[0], '.') << "temp file left: " << name;
        auto audit = provctl({"registry", "audit", "--verify", "--registry", backend->url()}, {}, dir.path());
        EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    }

    TempDir dir;
    std::unique_ptr<RegistryBackend> backend;
};

TEST_F(Batch, GenerateSealsKeysIssuesVerifiableCertificatesAndFillsTheRegistry) {
    auto r = run(generate_args("b1", "B1", 1, 12));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.batch.generate/v1");
    EXPECT_EQ(j["issued"], 12);
    EXPECT_EQ(j["present"], 0);
    EXPECT_EQ(j["conflicts"]["count"], 0);
    EXPECT_EQ(j["key_format"], "cms");
    EXPECT_EQ(r.err, "") << "nothing but the summary in a pipe";
    expect_consistent("b1", 12);

    // Every certificate verifies with openssl up to the root.
    std::vector<std::string> verify{"verify", "-CAfile", "root.crt", "-untrusted", "int.crt", "-purpose", "sslclient"};
    auto mapping = lines_of(slurp(dir.file("b1/mapping.csv")));
    for (size_t i = 1; i < mapping.size(); ++i) verify.push_back("b1/" + split(mapping[i], ',')[5]);
    auto v = openssl(verify, dir.path());
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_EQ(std::count(v.out.begin(), v.out.end(), '\n'), 12);
    EXPECT_EQ(openssl({"verify", "-CAfile", "b1/chain.pem", "b1/devices/SN-00000001Y.crt"}, dir.path()).exit_code, 0);

    // The device ID is the CN and the SAN URI; the profile is a client leaf.
    auto text = openssl({"x509", "-in", "b1/devices/SN-00000001Y.crt", "-noout", "-text"}, dir.path()).out;
    EXPECT_NE(text.find("Subject: CN = SN-00000001Y"), std::string::npos) << text;
    EXPECT_NE(text.find("URI:urn:dev:serial:SN-00000001Y"), std::string::npos);
    EXPECT_NE(text.find("TLS Web Client Authentication"), std::string::npos);
    EXPECT_NE(text.find("CA:FALSE"), std::string::npos);
    EXPECT_NE(text.find("X509v3 Subject Key Identifier"), std::string::npos);
    EXPECT_NE(text.find("X509v3 Authority Key Identifier"), std::string::npos);
    EXPECT_EQ(openssl({"asn1parse", "-in", "b1/devices/SN-00000001Y.crt"}, dir.path()).exit_code, 0);
    // The SKI is RFC 5280's method 1: SHA-1 of the key bits in openssl's own encoding of the key.
    auto pub = openssl({"x509", "-in", "b1/devices/SN-00000001Y.crt", "-noout", "-pubkey"}, dir.path());
    spit(dir.file("pub.pem"), pub.out);
    ASSERT_EQ(openssl({"pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der"}, dir.path()).exit_code, 0);
    std::string spki = slurp(dir.file("pub.der"));
    ASSERT_GT(spki.size(), 65u);
    auto sha1 = util::sha1(spki.data() + spki.size() - 65, 65);  // the uncompressed P-256 point
    std::string ski_hex;
    for (size_t i = 0; i < sha1.size(); ++i) {
        char b[4];
        std::snprintf(b, sizeof b, i + 1 < sha1.size() ? "%02X:" : "%02X", sha1[i]);
        ski_hex += b;
    }
    auto ski = openssl({"x509", "-in", "b1/devices/SN-00000001Y.crt", "-noout", "-ext", "subjectKeyIdentifier"},
                       dir.path());
    EXPECT_NE(ski.out.find(ski_hex), std::string::npos) << ski.out << " vs " << ski_hex;

    // The key opens with openssl cms and belongs to the certificate; it is 0600.
    std::string sealed = "b1/devices/SN-00000001Y.key.p7m";
    EXPECT_EQ(file_mode(dir.file(sealed)), 0600u);
    EXPECT_EQ(slurp(dir.file(sealed)).find("PRIVATE KEY"), std::string::npos);
    auto plain = openssl({"cms", "-decrypt", "-inform", "DER", "-in", sealed, "-recip", "station.crt", "-inkey",
                          "station.key", "-out", "dev.key"},
                         dir.path());
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    auto key_pub = openssl({"pkey", "-in", "dev.key", "-pubout"}, dir.path());
    EXPECT_EQ(key_pub.out, pub.out);
    EXPECT_EQ(openssl({"pkey", "-in", "dev.key", "-check", "-noout"}, dir.path()).exit_code, 0);

    // provctl batch unseal gives the same key, 0600.
    auto u = run({"batch", "unseal", sealed, "--recipient-cert", "station.crt", "--recipient-key", "file:station.key",
                  "--out", "unsealed.pem"});
    ASSERT_EQ(u.exit_code, 0) << u.err;
    EXPECT_EQ(file_mode(dir.file("unsealed.pem")), 0600u);
    EXPECT_EQ(slurp(dir.file("unsealed.pem")), slurp(dir.file("dev.key")));
    EXPECT_EQ(u.out.find("PRIVATE KEY"), std::string::npos) << "a key in the JSON output";

    // Registry rows carry the batch, the operator and station; the audit has both steps.
    auto show = json::parse(provctl({"--json", "registry", "show", "SN-00000001Y", "--registry", backend->url()}).out);
    EXPECT_EQ(show["device"]["batch"], "B1");
    EXPECT_EQ(show["device"]["operator"], "ci");
    EXPECT_EQ(show["device"]["station"], "line-1");
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'issue'"), "12");
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'register'"), "12");
}

TEST_F(Batch, RunningTheSameCommandAgainChangesNothing) {
    auto args = generate_args("b1", "B1", 1, 10);
    ASSERT_EQ(run(args).exit_code, 0);
    std::string mapping = slurp(dir.file("b1/mapping.csv"));
    std::string cert = slurp(dir.file("b1/devices/SN-00000003U.crt"));
    std::string key = slurp(dir.file("b1/devices/SN-00000003U.key.p7m"));
    std::string audit = count("SELECT COUNT(*) FROM audit");

    auto r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["issued"], 0);
    EXPECT_EQ(j["present"], 10);
    EXPECT_EQ(slurp(dir.file("b1/mapping.csv")), mapping);
    EXPECT_EQ(slurp(dir.file("b1/devices/SN-00000003U.crt")), cert);
    EXPECT_EQ(slurp(dir.file("b1/devices/SN-00000003U.key.p7m")), key);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit"), audit);

    // A lost certificate file comes back from the registry; a lost key is reported, never re-issued.
    ::unlink(dir.file("b1/devices/SN-00000003U.crt").c_str());
    ::unlink(dir.file("b1/devices/SN-00000004S.key.p7m").c_str());
    r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(slurp(dir.file("b1/devices/SN-00000003U.crt")), cert);
    j = json::parse(r.out);
    EXPECT_EQ(j["conflicts"]["count"], 1);
    EXPECT_EQ(j["conflicts"]["devices"][0]["device_id"], "SN-00000004S");
    EXPECT_NE(r.err.find("not issued"), std::string::npos) << r.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM certificates"), "10");
}

TEST_F(Batch, KillNineAtAnyMomentThenTheSameCommandEndsConsistent) {
    const int n = 1500;
    auto args = generate_args("b1", "B1", 1, n);
    for (int delay_ms : {40, 250, 900}) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 1);
            ::dup2(null, 2);
            if (::chdir(dir.path().c_str()) != 0) ::_exit(126);
            ::setenv("PROVCTL_TEST_PASS", scenario::pass_env()["PROVCTL_TEST_PASS"].c_str(), 1);
            std::vector<char*> argv{const_cast<char*>(PROVCTL_BIN)};
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(PROVCTL_BIN, argv.data());
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
    }
    auto r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["issued"].get<int>() + j["present"].get<int>(), n);
    expect_consistent("b1", n);
}

TEST_F(Batch, ADeviceOfAnotherBatchIsReportedNotReissued) {
    ASSERT_EQ(run(generate_args("a", "BA", 1, 5)).exit_code, 0);
    std::string before = count("SELECT fingerprint FROM certificates WHERE device_id = 'SN-00000004S'");
    auto r = run(generate_args("b", "BB", 4, 5));
    EXPECT_EQ(r.exit_code, 1);
    auto j = json::parse(r.out);
    EXPECT_EQ(j["issued"], 3);
    EXPECT_EQ(j["conflicts"]["count"], 2);
    EXPECT_EQ(j["conflicts"]["devices"][0]["device_id"], "SN-00000004S");
    EXPECT_NE(j["conflicts"]["devices"][0]["reason"].get<std::string>().find("batch BA"), std::string::npos);
    EXPECT_EQ(count("SELECT fingerprint FROM certificates WHERE device_id = 'SN-00000004S'"), before);
    EXPECT_EQ(count("SELECT COUNT(*) FROM certificates"), "8");
    EXPECT_EQ(lines_of(slurp(dir.file("b/mapping.csv"))).size(), 4u);
}

TEST_F(Batch, AnIdListWithMalformedAndDuplicatedIdsIsRefusedWhole) {
    spit(dir.file("ids.csv"),
         "device_id,hardware_serial\nSN-00000001Y,HW-1\nSN-00000002X,HW-2\nSN-00000003U,HW-3\nSN-00000001Y,HW-4\n"
         "SN-00000005Q,HW-3\n");
    auto args = generate_args("b1", "B1", 1, 1);
    args.erase(args.begin() + 2, args.begin() + 6);  // no --count/--start
    args.insert(args.begin() + 2, {"--ids", "ids.csv"});
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ids.csv:3: device ID 'SN-00000002X' does not match --id-template"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ids.csv:5: device ID SN-00000001Y is already on line 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ids.csv:6: hardware serial HW-3 is already on line 4"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir.file("b1")));

    spit(dir.file("ids.csv"), "SN-00000001Y,HW-1\n# comment\n\nSN-00000002W,HW-2\n");
    r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto mapping = lines_of(slurp(dir.file("b1/mapping.csv")));
    ASSERT_EQ(mapping.size(), 3u);
    EXPECT_EQ(mapping[2].substr(0, 18), "SN-00000002W,HW-2,");
    EXPECT_EQ(count("SELECT hardware_uid FROM devices WHERE device_id = 'SN-00000002W'"), "HW-2");
}

TEST_F(Batch, ARecipientThatCannotEncryptIsRefusedBeforeAnyKeyIsMade) {
    ASSERT_EQ(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                       "sig.key", "-out", "sig.crt", "-subj", "/CN=Signer", "-addext",
                       "keyUsage=critical,digitalSignature"},
                      dir.path())
                  .exit_code,
              0);
    ASSERT_EQ(openssl({"req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-out", "ed.crt", "-subj",
                       "/CN=Ed"},
                      dir.path())
                  .exit_code,
              0);
    for (const auto& [cert, why] : {std::pair<std::string, std::string>{"sig.crt", "keyAgreement"},
                                    std::pair<std::string, std::string>{"ed.crt", "ED25519"}}) {
        auto args = generate_args("b1", "B1", 1, 3);
        *std::find(args.begin(), args.end(), "station.crt") = cert;
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << cert;
        EXPECT_NE(r.err.find(cert + ": "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
        EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
        EXPECT_FALSE(exists(dir.file("b1/devices"))) << cert;
    }
    auto args = generate_args("b1", "B1", 1, 3);
    args.erase(std::find(args.begin(), args.end(), "--recipient"), std::find(args.begin(), args.end(), "--days"));
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--recipient"), std::string::npos);
    args.push_back("--plaintext-keys");
    r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: --plaintext-keys"), std::string::npos);
    EXPECT_EQ(file_mode(dir.file("b1/devices/SN-00000001Y.key.pem")), 0600u);
    EXPECT_EQ(openssl({"pkey", "-in", "b1/devices/SN-00000001Y.key.pem", "-check", "-noout"}, dir.path()).exit_code, 0);
}

TEST_F(Batch, AnUnreachableDatabaseIsExitOneNamingIt) {
    auto args = generate_args("b1", "B1", 1, 3);
    *std::find(args.begin(), args.end(), backend->url()) = "postgresql://provctl:s3cret@127.0.0.1:1/none?connect_timeout=3";
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot reach registry postgresql://provctl:***@127.0.0.1:1/none"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("s3cret"), std::string::npos);
}

TEST_F(Batch, AFullDiskStopsTheRunAndTheSameCommandFinishesIt) {
    // A real full disk where we may mount one (root), a file size limit otherwise.
    // Either way the first chunk of 1024 devices fits and a later one does not.
    const int n = 3000;
    std::string out = dir.file("small");
    ::mkdir(out.c_str(), 0755);
    bool mounted = ::mount("tmpfs", out.c_str(), "tmpfs", 0, "size=12m") == 0;
    struct Unmount {
        std::string path;
        bool on;
        ~Unmount() {
            if (on) ::umount2(path.c_str(), MNT_DETACH);
        }
    } unmount{out, mounted};
    auto args = generate_args("small/b1", "B1", 1, n);
    RunResult r;
    if (mounted) {
        r = run(args);
    } else {
        // dash counts ulimit -f in 512-byte blocks: 3 MB per file, the registry's WAL outgrows it.
        std::string cmd = "trap '' XFSZ; ulimit -f 6000; exec \"$0\" \"$@\"";
        std::vector<std::string> argv{"sh", "-c", cmd, PROVCTL_BIN, "--json"};
        argv.insert(argv.end(), args.begin(), args.end());
        r = testing_support::run(argv, scenario::pass_env(), dir.path());
    }
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(r.err.find("No space left on device") != std::string::npos ||
                r.err.find("too large") != std::string::npos || r.err.find("disk") != std::string::npos)
        << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    // Whatever the registry holds has its files; nothing half-registered.
    auto db = backend->connect();
    auto ids = db->column("SELECT device_id FROM devices");
    EXPECT_LT(ids.size(), static_cast<size_t>(n));
    for (const auto& id : ids) {
        EXPECT_TRUE(exists(out + "/b1/devices/" + id + ".crt")) << id;
        EXPECT_TRUE(exists(out + "/b1/devices/" + id + ".key.p7m")) << id;
    }
    EXPECT_EQ(db->column("SELECT COUNT(*) FROM certificates")[0], std::to_string(ids.size()));
    if (mounted) {
        ASSERT_EQ(::mount("tmpfs", out.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
    }
    r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_consistent("small/b1", n);
}

TEST_F(Batch, SignCsrsChecksEverySignatureAndBindsByCommonName) {
    std::string csrs = dir.file("csrs");
    ::mkdir(csrs.c_str(), 0755);
    std::vector<std::string> ids{"SN-00000001Y", "SN-00000002W", "SN-00000003U"};
    for (const auto& id : ids)
        ASSERT_EQ(openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                           id + ".key", "-out", "csrs/" + id + ".csr", "-subj", "/CN=" + id},
                          dir.path())
                      .exit_code,
                  0);
    // One CSR whose signature no longer matches: its subject was altered.
    ASSERT_EQ(openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                       "bad.key", "-out", "bad.der", "-outform", "DER", "-subj", "/CN=SN-00000004S"},
                      dir.path())
                  .exit_code,
              0);
    std::string der = slurp(dir.file("bad.der"));
    auto at = der.find("SN-00000004S");
    ASSERT_NE(at, std::string::npos);
    der[at + 11] = 'Q';  // SN-00000004Q: still a well-formed request
    spit(csrs + "/bad.der", der);
    std::vector<std::string> args{"batch", "sign-csrs", "--csr-dir", "csrs", "--id-template", kTemplate,
                                  "--issuer-cert", "int.crt", "--issuer-key", "file:int.key", "--issuer-passphrase",
                                  "env:PROVCTL_TEST_PASS", "--out", "b1", "--batch-id", "C1", "--registry",
                                  backend->url()};
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("csrs/bad.der: the request's signature does not verify"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir.file("b1"))) << "nothing issued before every CSR checked out";

    ::unlink((csrs + "/bad.der").c_str());
    r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["schema"], "provctl.batch.sign-csrs/v1");
    EXPECT_EQ(j["issued"], 3);
    EXPECT_EQ(j["key_format"], "none");
    for (const auto& id : ids) {
        EXPECT_EQ(openssl({"verify", "-CAfile", "root.crt", "-untrusted", "int.crt", "b1/devices/" + id + ".crt"},
                          dir.path())
                      .exit_code,
                  0);
        auto cert_pub = openssl({"x509", "-in", "b1/devices/" + id + ".crt", "-noout", "-pubkey"}, dir.path()).out;
        auto key_pub = openssl({"pkey", "-in", id + ".key", "-pubout"}, dir.path()).out;
        EXPECT_EQ(cert_pub, key_pub) << id;
        EXPECT_FALSE(exists(dir.file("b1/devices/" + id + ".key.p7m")));
    }
    r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["present"], 3);

    // A device that comes back with a new key is reported, not given a second identity.
    ASSERT_EQ(openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                       "new.key", "-out", "csrs/SN-00000002W.csr", "-subj", "/CN=SN-00000002W"},
                      dir.path())
                  .exit_code,
              0);
    r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("another key"), std::string::npos) << r.out;
    EXPECT_EQ(count("SELECT COUNT(*) FROM certificates"), "3");
}

TEST_F(Batch, TwoStationsOnOnePostgresRegistryNeverMintTwoIdentities) {
    auto pg = make_postgres_backend();
    if (!pg) GTEST_SKIP() << pg_skip_message();
    backend = std::move(pg);
    auto a = generate_args("station-a", "B1", 1, 300);
    auto b = generate_args("station-b", "B1", 151, 300);
    *std::find(b.begin(), b.end(), "line-1") = "line-2";
    auto fa = std::async(std::launch::async, [&] { return run(a); });
    auto fb = std::async(std::launch::async, [&] { return run(b); });
    RunResult ra = fa.get(), rb = fb.get();
    ASSERT_TRUE(ra.exit_code == 0 || ra.exit_code == 1) << ra.err;
    ASSERT_TRUE(rb.exit_code == 0 || rb.exit_code == 1) << rb.err;
    auto ja = json::parse(ra.out), jb = json::parse(rb.out);
    EXPECT_EQ(ja["issued"].get<int>() + jb["issued"].get<int>(), 450);
    EXPECT_EQ(ja["conflicts"]["count"].get<int>() + jb["conflicts"]["count"].get<int>(), 150);
    auto db = backend->connect();
    EXPECT_EQ(db->column("SELECT COUNT(*) FROM devices")[0], "450");
    EXPECT_EQ(db->column("SELECT COUNT(*) FROM certificates")[0], "450");
    EXPECT_EQ(db->column("SELECT COUNT(DISTINCT device_id) FROM certificates WHERE status = 'active'")[0], "450");
    EXPECT_EQ(db->column("SELECT COUNT(DISTINCT serial) FROM certificates")[0], "450");
    EXPECT_EQ(db->column("SELECT COUNT(DISTINCT fingerprint) FROM certificates")[0], "450");
    // Each station's folder holds exactly the devices it registered.
    for (const auto& [out, station] : {std::pair<std::string, std::string>{"station-a", "line-1"},
                                       std::pair<std::string, std::string>{"station-b", "line-2"}}) {
        auto mine = db->column("SELECT COUNT(*) FROM devices WHERE station = '" + station + "'")[0];
        EXPECT_EQ(std::to_string(lines_of(slurp(dir.file(out + "/mapping.csv"))).size() - 1), mine);
        EXPECT_EQ(std::to_string(list_dir(dir.file(out + "/devices")).size() / 2), mine);
    }
    EXPECT_EQ(provctl({"registry", "audit", "--verify", "--registry", backend->url()}).exit_code, 0);
}

}  // namespace
