// provctl scan expiry through the real binary: classes and monitoring exit
// codes, duplicates, the registry source and fleet view, every bad input,
// and agreement with `openssl x509 -enddate` on the odd real-world corpus.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <thread>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/asn1.h>

#include "scenario/scenario.hpp"
#include "support/registry_backends.hpp"
#include "support/test_certs.hpp"

using namespace testing_support;
using nlohmann::json;
using scenario::openssl;

namespace {

constexpr int64_t kDay = 86400;
const std::string kAt = "2027-01-01T00:00:00Z";
constexpr int64_t kAtUnix = 1798761600;

// notAfter as `openssl x509 -enddate` prints it, in Unix seconds; nullopt when it cannot.
std::optional<int64_t> openssl_enddate(const std::string& file, const std::string& inform = "PEM") {
    auto r = openssl({"x509", "-noout", "-enddate", "-inform", inform, "-in", file});
    if (r.exit_code != 0 || r.out.rfind("notAfter=", 0) != 0) return std::nullopt;
    std::string text = r.out.substr(9);
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm);
    if (end == nullptr) return std::nullopt;
    return static_cast<int64_t>(timegm(&tm));
}

class ScanExpiry : public ::testing::Test {
protected:
    RunResult scan(std::vector<std::string> args) {
        args.insert(args.begin(), {"scan", "expiry"});
        return provctl(args, {}, dir.path());
    }
    json scan_json(std::vector<std::string> args, int expected_exit) {
        args.insert(args.begin(), "--json");
        args.insert(args.begin() + 1, {"scan", "expiry", "--at", kAt});
        auto r = provctl(args, {}, dir.path());
        EXPECT_EQ(r.exit_code, expected_exit) << r.err;
        return json::parse(r.out);
    }
    void write_cert(const std::string& name, const std::string& cn, int64_t not_after, long serial) {
        spit(dir.file(name), make_test_cert(cn, kAtUnix - 200 * kDay, not_after, serial).pem);
    }
    void four_classes() {
        ::mkdir(dir.file("certs").c_str(), 0755);
        write_cert("certs/expired.pem", "expired-yesterday", kAtUnix - kDay, 1);
        write_cert("certs/crit.pem", "three-days", kAtUnix + 3 * kDay, 2);
        write_cert("certs/warn.pem", "twenty-days", kAtUnix + 20 * kDay, 3);
        write_cert("certs/ok.pem", "four-hundred-days", kAtUnix + 400 * kDay, 4);
    }
    TempDir dir;
};

const json* finding_with(const json& doc, const std::string& subject) {
    for (const auto& f : doc["findings"])
        if (f.value("subject", "") == subject) return &f;
    return nullptr;
}

TEST_F(ScanExpiry, ClassesDaysLeftAndMonitoringExitCodes) {
    four_classes();
    auto doc = scan_json({"certs"}, 2);
    EXPECT_EQ(doc["schema"], "provctl.scan.expiry/v1");
    EXPECT_EQ(doc["summary"]["certificates"], 4);
    EXPECT_EQ(doc["summary"]["expired"], 1);
    EXPECT_EQ(doc["summary"]["critical"], 1);
    EXPECT_EQ(doc["summary"]["warning"], 1);
    EXPECT_EQ(doc["summary"]["ok"], 1);
    struct Want {
        const char* subject;
        const char* status;
        int days;
        const char* file;
    };
    for (const auto& w : {Want{"CN=expired-yesterday", "expired", -1, "certs/expired.pem"},
                          Want{"CN=three-days", "critical", 3, "certs/crit.pem"},
                          Want{"CN=twenty-days", "warning", 20, "certs/warn.pem"},
                          Want{"CN=four-hundred-days", "ok", 400, "certs/ok.pem"}}) {
        const json* f = finding_with(doc, w.subject);
        ASSERT_NE(f, nullptr) << w.subject;
        EXPECT_EQ((*f)["status"], w.status) << w.subject;
        EXPECT_EQ((*f)["days_left"], w.days) << w.subject;
        EXPECT_EQ((*f)["locations"][0]["path"], std::string("certs/") + (w.file + 6));
        // A second tool reads the same not_after.
        auto theirs = openssl_enddate(dir.file(w.file));
        ASSERT_TRUE(theirs);
        EXPECT_EQ((*f)["not_after"], util::format_rfc3339(*theirs)) << w.subject;
    }
    // Soonest first.
    EXPECT_EQ(doc["findings"][0]["subject"], "CN=expired-yesterday");
    EXPECT_EQ(doc["findings"][3]["subject"], "CN=four-hundred-days");

    EXPECT_EQ(scan({"--at", kAt, "certs/warn.pem", "certs/ok.pem"}).exit_code, 1);
    EXPECT_EQ(scan({"--at", kAt, "certs/ok.pem"}).exit_code, 0);
    EXPECT_EQ(scan({"--at", kAt, "certs/crit.pem"}).exit_code, 2);
    EXPECT_EQ(scan({"--at", kAt, "certs/expired.pem", "certs/ok.pem"}).exit_code, 2);
    // Windows move the classes.
    EXPECT_EQ(scan({"--at", kAt, "--warn", "10d", "--crit", "2d", "certs/warn.pem", "certs/crit.pem"}).exit_code, 1);
    EXPECT_EQ(scan({"--at", kAt, "--warn", "2w", "--crit", "48h", "certs/warn.pem"}).exit_code, 0);
}

TEST_F(ScanExpiry, OnlyCsvAndTable) {
    four_classes();
    auto warn = scan_json({"certs", "--only", "warn"}, 2);
    EXPECT_EQ(warn["findings"].size(), 3u);
    EXPECT_EQ(warn["summary"]["certificates"], 4) << "counts cover everything, the list only what needs action";
    EXPECT_EQ(scan_json({"certs", "--only", "crit"}, 2)["findings"].size(), 2u);
    EXPECT_EQ(scan_json({"certs", "--only", "expired"}, 2)["findings"].size(), 1u);

    auto csv = scan({"--at", kAt, "--csv", "certs"});
    EXPECT_EQ(csv.exit_code, 2);
    std::istringstream lines(csv.out);
    std::string header, first;
    std::getline(lines, header);
    std::getline(lines, first);
    EXPECT_EQ(header, "kind,status,days_left,not_after,subject,issuer,serial,fingerprint,device_id,batch,locations,reason");
    EXPECT_EQ(first.rfind("certificate,expired,-1,2026-12-31T00:00:00Z,CN=expired-yesterday,", 0), 0u) << first;

    auto table = scan({"--at", kAt, "certs"});
    EXPECT_EQ(table.exit_code, 2);
    EXPECT_NE(table.out.find("CN=three-days"), std::string::npos);
    EXPECT_NE(table.out.find("4 certificates: 1 expired, 1 critical, 1 warning, 1 ok"), std::string::npos) << table.out;
    EXPECT_EQ(table.out.find('\033'), std::string::npos) << "no colour in a pipe";
    EXPECT_TRUE(table.err.empty()) << "exit 1 and 2 are findings, not errors: " << table.err;
}

TEST_F(ScanExpiry, DuplicatesMergedByFingerprint) {
    auto a = make_test_cert("same", kAtUnix - kDay, kAtUnix + 100 * kDay, 9);
    auto b = make_test_cert("other", kAtUnix - kDay, kAtUnix + 200 * kDay, 10);
    ::mkdir(dir.file("d").c_str(), 0755);
    spit(dir.file("d/a.pem"), a.pem);
    spit(dir.file("d/a.der"), a.der);
    spit(dir.file("bundle.pem"), b.pem + a.pem);
    auto doc = scan_json({"d", "bundle.pem"}, 0);
    EXPECT_EQ(doc["summary"]["certificates"], 2);
    EXPECT_EQ(doc["summary"]["sightings"], 4);
    const json* same = finding_with(doc, "CN=same");
    ASSERT_NE(same, nullptr);
    ASSERT_EQ((*same)["locations"].size(), 3u);
    std::set<std::string> where;
    for (const auto& l : (*same)["locations"]) where.insert(l["path"].get<std::string>() + "#" + std::to_string(l["index"].get<int>()));
    EXPECT_EQ(where, (std::set<std::string>{"bundle.pem#2", "d/a.der#1", "d/a.pem#1"}));
    auto out = openssl({"x509", "-noout", "-fingerprint", "-sha256", "-in", dir.file("d/a.pem")});
    std::string theirs;
    for (char c : out.out.substr(out.out.find('=') + 1))
        if (std::isxdigit(static_cast<unsigned char>(c))) theirs += static_cast<char>(std::tolower(c));
    EXPECT_EQ((*same)["fingerprint"], theirs);
}

TEST_F(ScanExpiry, EveryBadInputReportedAndTheScanFinishes) {
    ::mkdir(dir.file("in").c_str(), 0755);
    auto good = make_test_cert("good", kAtUnix - kDay, kAtUnix + 400 * kDay, 1);
    auto good2 = make_test_cert("good2", kAtUnix - kDay, kAtUnix + 500 * kDay, 2);
    spit(dir.file("in/good.pem"), good.pem);
    spit(dir.file("in/truncated.pem"), good2.pem.substr(0, good2.pem.size() / 2));
    spit(dir.file("in/garbage-between.pem"), good.pem + std::string("\x00\xff junk \x01\n", 10) + good2.pem);
    spit(dir.file("in/zero.crt"), "");
    std::string lying = good.der;
    lying[2] = static_cast<char>(0x7f);
    spit(dir.file("in/lying.der"), lying);
    spit(dir.file("in/badtime.pem"),
         make_test_cert_raw_times("badtime", V_ASN1_UTCTIME, "200101000000Z", V_ASN1_UTCTIME, "209913320000Z").pem);
    spit(dir.file("in/notes.txt"), "not a certificate\n");
    spit(dir.file("in/random.crt"), "\x13\x37 nothing here");
    ASSERT_EQ(openssl({"pkcs12", "-export", "-nokeys", "-in", dir.file("in/good.pem"), "-passout", "pass:s3cret", "-out",
                       dir.file("in/locked.p12")})
                  .exit_code,
              0);
    ::chmod(dir.file("in/locked.p12").c_str(), 0644);
    ::mkdir(dir.file("in/sealed").c_str(), 0755);
    spit(dir.file("in/sealed/hidden.pem"), good2.pem);
    // Unreadable folder: as root, permissions do not stop us, so the scan runs as nobody then.
    bool as_nobody = ::geteuid() == 0;
    ::chmod(dir.file("in/sealed").c_str(), 0);
    std::vector<std::string> argv;
    if (as_nobody) {
        ::chmod(dir.path().c_str(), 0755);
        argv = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
    }
    for (std::string a : {std::string(PROVCTL_BIN), std::string("--json"), std::string("scan"), std::string("expiry"),
                          std::string("--at"), kAt, std::string("in")})
        argv.push_back(a);
    auto r = run(argv, {}, dir.path());
    ::chmod(dir.file("in/sealed").c_str(), 0755);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    auto doc = json::parse(r.out);
    EXPECT_EQ(doc["summary"]["certificates"], 2);
    std::map<std::string, std::string> problems;
    for (const auto& f : doc["findings"])
        if (f["kind"] != "certificate")
            problems[f["location"]["path"].get<std::string>()] = f["kind"].get<std::string>() + ": " + f["reason"].get<std::string>();
    auto has = [&](const std::string& path, const std::string& text) {
        auto it = problems.find(path);
        ASSERT_NE(it, problems.end()) << path << " not reported; got " << json(problems).dump();
        EXPECT_NE(it->second.find(text), std::string::npos) << path << ": " << it->second;
    };
    has("in/truncated.pem", "unreadable: PEM block at line 1: no END line");
    has("in/zero.crt", "unreadable: file is empty");
    has("in/lying.der", "unreadable:");
    has("in/badtime.pem", "notAfter '209913320000Z' is not a valid time");
    has("in/random.crt", "no certificate found");
    has("in/locked.p12", "skipped: PKCS#12 is protected by a password");
    has("in/sealed", "cannot open folder: Permission denied");
    EXPECT_EQ(problems.count("in/notes.txt"), 0u) << "a file without certificates is counted, not reported";
    EXPECT_EQ(problems.count("in/garbage-between.pem"), 0u);
    EXPECT_EQ(doc["summary"]["files_without_certificates"].get<int>(), 7);

    // Nothing readable at all: UNKNOWN.
    auto none = scan({"in/zero.crt", "in/lying.der"});
    EXPECT_EQ(none.exit_code, 3) << none.out;
    auto missing = scan({"no-such-file.pem"});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.out.find("no-such-file.pem: cannot read: No such file or directory"), std::string::npos) << missing.out;
}

TEST_F(ScanExpiry, UsageErrorsAreUnknown) {
    four_classes();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {},
             {"certs", "--warn", "soon"},
             {"certs", "--warn", "3d", "--crit", "7d"},
             {"certs", "--only", "maybe"},
             {"certs", "--by", "colour"},
             {"certs", "--by", "batch"},
             {"certs", "--no-such-option"},
             {"certs", "--at", "yesterday"},
             {"--tls", "no-port"},
         }) {
        auto r = scan(args);
        EXPECT_EQ(r.exit_code, 3) << testing::PrintToString(args) << r.err;
        EXPECT_NE(r.err.find("provctl: error: "), std::string::npos) << r.err;
    }
    auto both = provctl({"--json", "scan", "expiry", "--csv", "certs"}, {}, dir.path());
    EXPECT_EQ(both.exit_code, 3);
}

TEST_F(ScanExpiry, SymlinksNotFollowedByDefaultLoopsSafeWhenFollowed) {
    ::mkdir(dir.file("tree").c_str(), 0755);
    ::mkdir(dir.file("elsewhere").c_str(), 0755);
    write_cert("tree/a.pem", "a", kAtUnix + 400 * kDay, 1);
    write_cert("elsewhere/b.pem", "b", kAtUnix + 400 * kDay, 2);
    ASSERT_EQ(::symlink("..", dir.file("tree/loop").c_str()), 0);
    ASSERT_EQ(::symlink("../elsewhere", dir.file("tree/out").c_str()), 0);
    auto plain = scan_json({"tree"}, 0);
    EXPECT_EQ(plain["summary"]["certificates"], 1);
    auto followed = scan_json({"tree", "--follow-symlinks"}, 0);
    EXPECT_EQ(followed["summary"]["certificates"], 2);
    EXPECT_EQ(followed["summary"]["sightings"], 2) << "each folder read once, loop or not";
}

// Every certificate of the odd real-world corpus is read or reported, and
// wherever `openssl x509 -enddate` reads a notAfter the scan reads the same.
TEST_F(ScanExpiry, ZlintCorpusAgreesWithOpensslEnddate) {
    std::string corpus = shared_testdata() + "/certs-zlint";
    if (!exists(corpus)) GTEST_SKIP() << corpus << " is not there";
    auto r = provctl({"--json", "scan", "expiry", corpus}, {}, dir.path());
    ASSERT_TRUE(r.exit_code >= 0 && r.exit_code <= 2) << r.err;
    auto doc = json::parse(r.out);
    std::map<std::string, std::string> not_after;  // file -> our not_after
    std::set<std::string> reported;
    for (const auto& f : doc["findings"]) {
        if (f["kind"] == "certificate") {
            for (const auto& l : f["locations"]) not_after[l["path"].get<std::string>()] = f["not_after"];
        } else {
            reported.insert(f["location"]["path"].get<std::string>());
        }
    }
    std::vector<std::string> pems;
    for (const auto& e : std::filesystem::recursive_directory_iterator(corpus))
        if (e.is_regular_file() && e.path().extension() == ".pem") pems.push_back(e.path().string());
    // openssl runs once per file; four at a time keeps the test short.
    std::vector<std::optional<int64_t>> theirs(pems.size());
    std::vector<std::thread> workers;
    std::atomic<size_t> next{0};
    for (int t = 0; t < 4; ++t)
        workers.emplace_back([&] {
            for (size_t i; (i = next++) < pems.size();) theirs[i] = openssl_enddate(pems[i]);
        });
    for (auto& w : workers) w.join();
    int compared = 0;
    for (size_t i = 0; i < pems.size(); ++i) {
        const std::string& path = pems[i];
        bool read = not_after.count(path) != 0;
        EXPECT_TRUE(read || reported.count(path) != 0) << path << " neither read nor reported";
        if (!theirs[i]) continue;
        ASSERT_TRUE(read) << path << ": openssl reads a notAfter, the scan did not";
        EXPECT_EQ(not_after[path], util::format_rfc3339(*theirs[i])) << path;
        ++compared;
    }
    EXPECT_GT(compared, 1000);
}

}  // namespace

namespace {

// The registry source: device IDs and batches from the registry, merged with
// the same certificates found on disk; revoked ones are not active and not scanned.
TEST_F(ScanExpiry, RegistrySourceDeviceIdsAndFleetView) {
    scenario::make_file_hierarchy(dir.path());
    auto backend = make_sqlite_backend();
    auto generate = [&](const std::string& batch, int start, int count, const std::string& days) {
        auto r = provctl({"--json", "batch", "generate", "--count", std::to_string(count), "--start", std::to_string(start),
                          "--id-template", "SN-{seq:06}", "--issuer-cert", "int.crt", "--issuer-key", "file:int.key",
                          "--issuer-passphrase", "env:PROVCTL_TEST_PASS", "--plaintext-keys", "--days", days, "--out",
                          "out-" + batch, "--batch-id", batch, "--registry", backend->url()},
                         scenario::pass_env(), dir.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    generate("B1", 1, 3, "20");
    generate("B2", 4, 2, "400");
    auto r = provctl({"ca", "revoke", "--device", "SN-000005", "--reason", "keyCompromise", "--registry", backend->url()},
                     {}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;

    auto doc = json::parse(provctl({"--json", "scan", "expiry", "--registry", backend->url()}, {}, dir.path()).out);
    EXPECT_EQ(doc["summary"]["certificates"], 4) << doc.dump();
    EXPECT_EQ(doc["summary"]["warning"], 3);
    std::set<std::string> ids;
    for (const auto& f : doc["findings"]) {
        ids.insert(f["device_id"].get<std::string>());
        EXPECT_EQ(f["locations"][0]["source"], "registry");
        EXPECT_EQ(f["batch"], f["device_id"] == "SN-000004" ? "B2" : "B1");
    }
    EXPECT_EQ(ids, (std::set<std::string>{"SN-000001", "SN-000002", "SN-000003", "SN-000004"}));
    auto exit_code = provctl({"scan", "expiry", "--registry", backend->url()}, {}, dir.path()).exit_code;
    EXPECT_EQ(exit_code, 1);

    // The batch folder and the registry together: one finding per certificate, both places, the device ID.
    auto both = json::parse(provctl({"--json", "scan", "expiry", "out-B1", "--registry", backend->url()}, {}, dir.path()).out);
    EXPECT_EQ(both["summary"]["certificates"], 5) << "4 active in the registry and the intermediate in out-B1/chain.pem";
    const json* one = finding_with(both, "CN=SN-000001");
    ASSERT_NE(one, nullptr);
    EXPECT_EQ(one->at("device_id"), "SN-000001");
    std::set<std::string> sources;
    for (const auto& l : one->at("locations")) sources.insert(l["source"]);
    EXPECT_EQ(sources, (std::set<std::string>{"file", "registry"}));

    // Fleet view by batch: counts per month of not_after.
    auto fleet = json::parse(provctl({"--json", "scan", "expiry", "--registry", backend->url(), "--by", "batch"}, {}, dir.path()).out);
    ASSERT_EQ(fleet["fleet"]["by"], "batch");
    std::map<std::string, int> totals;
    for (const auto& g : fleet["fleet"]["groups"]) totals[g["key"]] = g["total"];
    EXPECT_EQ(totals, (std::map<std::string, int>{{"B1", 3}, {"B2", 1}}));
    EXPECT_TRUE(fleet["findings"].empty()) << "the fleet view counts, it does not list";
    auto table = provctl({"scan", "expiry", "--registry", backend->url(), "--by", "month"}, {}, dir.path());
    EXPECT_NE(table.out.find("MONTH"), std::string::npos) << table.out;
    EXPECT_EQ(table.out.find('#'), std::string::npos) << "no histogram bars in a pipe";

    // On a terminal (script(1) gives the command a pseudo-terminal): bars, scaled to the busiest month.
    if (exists("/usr/bin/script")) {
        std::string command = std::string(PROVCTL_BIN) + " scan expiry --registry " + backend->url() + " --by batch";
        auto tty = run({"script", "-qec", command, "/dev/null"}, {{"NO_COLOR", "1"}}, dir.path());
        EXPECT_EQ(tty.exit_code, 1) << tty.out;
        EXPECT_NE(tty.out.find(std::string(40, '#')), std::string::npos) << tty.out;
        EXPECT_EQ(tty.out.find(std::string(41, '#')), std::string::npos) << tty.out;
    }
}

}  // namespace
