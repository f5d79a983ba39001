// The simulated board, driven line by line: every command, every error code,
// the one-way lifecycle, rotation with real signatures and each fault switch.
#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include "device/sim_faults.hpp"
#include "device/simulator.hpp"
#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "support/test_support.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/ossl.hpp"

using nlohmann::json;
using testing_support::TempDir;

namespace {

// A CA made here with OpenSSL: a key and a self-signed certificate.
struct TestCa {
    util::EvpPkey key;
    util::X509Ptr cert;
    std::string pem() const { return pki::cert_pem(cert.get()); }
};

void set_name(X509_NAME* name, const std::string& cn) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
}

TestCa make_ca(const std::string& cn) {
    TestCa ca{pki::generate_key(pki::KeyType::ec_p256), util::X509Ptr(X509_new())};
    X509* x = ca.cert.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    set_name(X509_get_subject_name(x), cn);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, ca.key.get());
    EXPECT_GT(X509_sign(x, ca.key.get(), EVP_sha256()), 0);
    return ca;
}

// A certificate for the CSR's key, issued by `ca`.
std::string issue(const TestCa& ca, const std::string& csr_pem, long serial = 2) {
    auto req = pki::parse_csr(csr_pem, "csr");
    util::X509Ptr x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
    X509_set_subject_name(x.get(), X509_REQ_get_subject_name(req.get()));
    X509_set_issuer_name(x.get(), X509_get_subject_name(ca.cert.get()));
    X509_set_pubkey(x.get(), X509_REQ_get0_pubkey(req.get()));
    EXPECT_GT(X509_sign(x.get(), ca.key.get(), EVP_sha256()), 0);
    return pki::cert_pem(x.get());
}

util::EvpPkey spki_key(const std::string& b64) {
    auto der = util::base64_decode(b64);
    EXPECT_TRUE(der);
    auto* p = reinterpret_cast<const unsigned char*>(der->data());
    return util::EvpPkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())));
}

bool verifies(EVP_PKEY* key, const std::string& data, const std::string& sig) {
    util::EvpMdCtx md(EVP_MD_CTX_new());
    EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key);
    return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

std::string sign(EVP_PKEY* key, const std::string& data) {
    util::EvpMdCtx md(EVP_MD_CTX_new());
    EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key);
    size_t len = 0;
    EVP_DigestSign(md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    sig.resize(len);
    return sig;
}

std::string rotate_message(const std::string& device_id, const std::string& nonce) {
    return std::string("provctl-rotate-v1") + '\0' + device_id + '\0' + nonce;
}

const std::string kChallenge(32, 'c');

class SimulatorTest : public ::testing::Test {
protected:
    TempDir dir;
    std::string state = dir.file("board.json");
    int64_t next_id = 1;

    std::unique_ptr<device::Simulator> make(std::vector<std::string> faults = {}) {
        device::SimConfig config;
        for (const auto& f : faults) config.faults.push_back(device::parse_fault(f));
        return std::make_unique<device::Simulator>(state, std::move(config));
    }

    // Sends one request; expects exactly one line back, the matching response.
    json call(device::Simulator& sim, const std::string& cmd, const json& args = json::object()) {
        int64_t id = next_id++;
        auto out = sim.handle(json{{"id", id}, {"cmd", cmd}, {"args", args}}.dump());
        EXPECT_FALSE(out.reset);
        EXPECT_EQ(out.lines.size(), 1u) << cmd;
        if (out.lines.size() != 1) return json();
        json r = json::parse(out.lines[0]);
        EXPECT_EQ(r["id"], id);
        return r;
    }
    json ok(device::Simulator& sim, const std::string& cmd, const json& args = json::object()) {
        json r = call(sim, cmd, args);
        EXPECT_EQ(r["ok"], true) << cmd << ": " << r.dump();
        return r["result"];
    }
    std::string error(device::Simulator& sim, const std::string& cmd, const json& args = json::object()) {
        json r = call(sim, cmd, args);
        EXPECT_EQ(r["ok"], false) << cmd << ": " << r.dump();
        EXPECT_TRUE(r["error"]["message"].is_string());
        return r["error"]["code"].is_string() ? r["error"]["code"].get<std::string>() : "";
    }

    // ID, key in slot 0 and a certificate from `ca`; returns the certificate PEM.
    std::string enroll(device::Simulator& sim, const TestCa& ca, const std::string& id = "SN-0001") {
        ok(sim, "set_device_id", {{"device_id", id}});
        ok(sim, "gen_key", {{"slot", 0}, {"key_type", "ec-p256"}});
        std::string cert = issue(ca, ok(sim, "get_csr", {{"slot", 0}})["csr"]);
        ok(sim, "write_certs", {{"slot", 0}, {"cert", cert}, {"chain", ca.pem()}});
        return cert;
    }

    std::string authorization(device::Simulator& sim, EVP_PKEY* ca_key, int slot = 0, const std::string& id = "SN-0001") {
        auto nonce = util::base64_decode(ok(sim, "begin_rotate", {{"slot", slot}})["nonce"].get<std::string>());
        EXPECT_TRUE(nonce && nonce->size() == 32);
        return util::base64_encode(sign(ca_key, rotate_message(id, nonce.value_or(""))));
    }
};

}  // namespace

TEST_F(SimulatorTest, HelloOnAFreshBoard) {
    auto sim = make();
    auto h = ok(*sim, "hello");
    EXPECT_EQ(h["protocol"], 1);
    EXPECT_EQ(h["fw_version"], "1.4.2");
    EXPECT_EQ(h["hw_rev"], "B");
    EXPECT_EQ(h["hw_uid"].get<std::string>().size(), 16u);
    EXPECT_EQ(h["se_serial"].get<std::string>().size(), 18u);
    EXPECT_TRUE(h["device_id"].is_null());
    EXPECT_EQ(h["lifecycle"], "unprovisioned");
    EXPECT_EQ(h["debug_locked"], false);
    EXPECT_EQ(h["fw_sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(testing_support::file_mode(state), 0600u);
}

TEST_F(SimulatorTest, HwUidOnlyForANewStateFile) {
    device::Simulator a(state, {}, std::string("00A1B2C3D4E5F607"));
    EXPECT_EQ(a.state().hw_uid, "00a1b2c3d4e5f607");
    device::Simulator same(state, {}, std::string("00a1b2c3d4e5f607"));
    EXPECT_EQ(same.state().se_serial, a.state().se_serial);
    EXPECT_THROW(device::Simulator(state, {}, std::string("1111")), util::Error);
    EXPECT_THROW(device::Simulator(dir.file("x.json"), {}, std::string("xyz")), util::Error);
}

TEST_F(SimulatorTest, LinesThatAreNotRequestsGetNoAnswer) {
    auto sim = make();
    for (const char* line : {"", "garbage", "{\"cmd\":\"hello\"}", "[1,2]", "{\"id\":\"7\",\"cmd\":\"hello\"}", "42",
                             "{\"id\":1.5,\"cmd\":\"hello\"}"})
        EXPECT_TRUE(sim->handle(line).lines.empty()) << line;
}

TEST_F(SimulatorTest, MalformedRequestsAreBadRequests) {
    auto sim = make();
    EXPECT_EQ(error(*sim, "reboot_into_dfu"), "bad_request");
    auto r = json::parse(sim->handle(R"({"id":9,"cmd":5})").lines.at(0));
    EXPECT_EQ(r["error"]["code"], "bad_request");
    r = json::parse(sim->handle(R"({"id":10,"cmd":"hello","args":[1]})").lines.at(0));
    EXPECT_EQ(r["error"]["code"], "bad_request");
    r = json::parse(sim->handle(R"({"id":11,"cmd":"gen_key","args":{"slot":"0"}})").lines.at(0));
    EXPECT_EQ(r["error"]["code"], "bad_request");
    EXPECT_NE(r["error"]["message"].get<std::string>().find("args.slot"), std::string::npos);
    EXPECT_EQ(json::parse(sim->handle(R"({"id":12,"cmd":"hello"})").lines.at(0))["ok"], true);  // args may be left out
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 4}}), "bad_request");
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 0}, {"key_type", "rsa-3072"}}), "bad_request");
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", 12}}), "bad_request");
    EXPECT_EQ(error(*sim, "finalize", {{"lock_debug", "yes"}}), "bad_request");
    EXPECT_EQ(error(*sim, "self_test", {{"timeout_ms", "soon"}}), "bad_request");
}

TEST_F(SimulatorTest, DeviceIdRules) {
    auto sim = make();
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", "SN 0001"}}), "bad_request");
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", ""}}), "bad_request");
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", std::string(65, 'A')}}), "bad_request");
    ok(*sim, "set_device_id", {{"device_id", "SN-0001"}});
    ok(*sim, "set_device_id", {{"device_id", "SN-0001"}});  // idempotent
    EXPECT_EQ(ok(*sim, "hello")["device_id"], "SN-0001");
}

TEST_F(SimulatorTest, GenKeyAndCsr) {
    auto sim = make();
    EXPECT_EQ(error(*sim, "get_csr", {{"slot", 0}, {"subject", "CN=x"}}), "bad_request");  // no key yet
    auto pub = spki_key(ok(*sim, "gen_key", {{"slot", 0}, {"key_type", "ec-p256"}})["public_key"]);
    ASSERT_TRUE(pub);
    EXPECT_EQ(pki::describe_key(pub.get()), "EC P-256");
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 0}, {"key_type", "ec-p256"}}), "slot_locked");
    EXPECT_EQ(error(*sim, "get_csr", {{"slot", 0}}), "bad_request");  // no subject, no device ID
    auto csr = pki::parse_csr(ok(*sim, "get_csr", {{"slot", 0}, {"subject", "CN=SN-0001,O=Acme"}})["csr"], "csr");
    EXPECT_EQ(X509_REQ_verify(csr.get(), X509_REQ_get0_pubkey(csr.get())), 1);
    EXPECT_TRUE(pki::same_public_key(X509_REQ_get0_pubkey(csr.get()), pub.get()));
    EXPECT_EQ(error(*sim, "get_csr", {{"slot", 0}, {"subject", "XX=nope"}}), "bad_request");
    ok(*sim, "set_device_id", {{"device_id", "SN-0002"}});
    csr = pki::parse_csr(ok(*sim, "get_csr", {{"slot", 0}})["csr"], "csr");
    char cn[80] = {};
    X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(csr.get()), NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "SN-0002");
    auto p384 = spki_key(ok(*sim, "gen_key", {{"slot", 1}, {"key_type", "ec-p384"}})["public_key"]);
    EXPECT_EQ(pki::describe_key(p384.get()), "EC P-384");
}

TEST_F(SimulatorTest, WriteAndReadCertificates) {
    auto sim = make();
    auto ca = make_ca("Test Devices");
    EXPECT_EQ(ok(*sim, "read_certs", {{"slot", 0}}), (json{{"cert", ""}, {"chain", ""}}));
    ok(*sim, "set_device_id", {{"device_id", "SN-0001"}});
    ok(*sim, "gen_key", {{"slot", 0}});
    ok(*sim, "gen_key", {{"slot", 1}});
    std::string cert0 = issue(ca, ok(*sim, "get_csr", {{"slot", 0}})["csr"]);
    std::string cert1 = issue(ca, ok(*sim, "get_csr", {{"slot", 1}})["csr"]);
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 0}, {"cert", cert1}, {"chain", ca.pem()}}), "key_mismatch");
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 2}, {"cert", cert0}}), "bad_request");  // no key
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 0}, {"cert", "not a cert"}}), "bad_request");
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 0}, {"cert", cert0 + ca.pem()}}), "bad_request");  // two
    auto digest = ok(*sim, "write_certs", {{"slot", 0}, {"cert", cert0}, {"chain", ca.pem()}})["cert_sha256"];
    auto parsed = pki::parse_certificates(cert0, "cert0");
    EXPECT_EQ(digest, util::cert_sha256_hex(parsed[0].get()));
    EXPECT_EQ(ok(*sim, "write_certs", {{"slot", 0}, {"cert", cert0}, {"chain", ca.pem()}})["cert_sha256"], digest);
    auto back = ok(*sim, "read_certs", {{"slot", 0}});
    EXPECT_EQ(back["cert"], cert0);
    EXPECT_EQ(back["chain"], ca.pem());
}

TEST_F(SimulatorTest, SignChallenge) {
    auto sim = make();
    EXPECT_EQ(error(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode(kChallenge)}}), "bad_request");
    auto pub = spki_key(ok(*sim, "gen_key", {{"slot", 0}})["public_key"]);
    EXPECT_EQ(error(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode("short")}}), "bad_request");
    EXPECT_EQ(error(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode(std::string(65, 'x'))}}),
              "bad_request");
    EXPECT_EQ(error(*sim, "sign_challenge", {{"slot", 0}, {"challenge", "not base64!"}}), "bad_request");
    auto r = ok(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode(kChallenge)}});
    EXPECT_TRUE(r["device_id"].is_null());
    EXPECT_TRUE(verifies(pub.get(), kChallenge, *util::base64_decode(r["signature"].get<std::string>())));
}

TEST_F(SimulatorTest, FinalizeIsOneWay) {
    auto sim = make();
    auto ca = make_ca("Test Devices");
    EXPECT_EQ(error(*sim, "finalize", {{"lock_debug", true}}), "bad_request");  // no ID
    ok(*sim, "set_device_id", {{"device_id", "SN-0001"}});
    EXPECT_EQ(error(*sim, "finalize"), "bad_request");  // no key
    ok(*sim, "gen_key", {{"slot", 0}});
    EXPECT_EQ(error(*sim, "finalize"), "bad_request");  // no certificate
    std::string cert = issue(ca, ok(*sim, "get_csr", {{"slot", 0}})["csr"]);
    ok(*sim, "write_certs", {{"slot", 0}, {"cert", cert}, {"chain", ca.pem()}});
    auto f = ok(*sim, "finalize", {{"lock_debug", false}});
    EXPECT_EQ(f, (json{{"lifecycle", "provisioned"}, {"debug_locked", false}}));
    EXPECT_EQ(ok(*sim, "finalize", {{"lock_debug", true}}), (json{{"lifecycle", "provisioned"}, {"debug_locked", true}}));
    EXPECT_EQ(ok(*sim, "finalize"), (json{{"lifecycle", "provisioned"}, {"debug_locked", true}}));
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", "SN-0001"}}), "locked");
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 0}, {"cert", cert}, {"chain", ca.pem()}}), "locked");
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 0}}), "slot_locked");
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 2}}), "locked");
    auto h = ok(*sim, "hello");
    EXPECT_EQ(h["lifecycle"], "provisioned");
    EXPECT_EQ(h["debug_locked"], true);
    auto again = make();  // survives a restart
    EXPECT_EQ(ok(*again, "hello")["lifecycle"], "provisioned");
    EXPECT_EQ(error(*again, "set_device_id", {{"device_id", "SN-0009"}}), "locked");
}

TEST_F(SimulatorTest, StateSurvivesARestart) {
    util::EvpPkey pub;
    {
        auto sim = make();
        ok(*sim, "set_device_id", {{"device_id", "SN-0042"}});
        pub = spki_key(ok(*sim, "gen_key", {{"slot", 3}})["public_key"]);
    }
    auto sim = make();
    EXPECT_EQ(ok(*sim, "hello")["device_id"], "SN-0042");
    auto r = ok(*sim, "sign_challenge", {{"slot", 3}, {"challenge", util::base64_encode(kChallenge)}});
    EXPECT_EQ(r["device_id"], "SN-0042");
    EXPECT_TRUE(verifies(pub.get(), kChallenge, *util::base64_decode(r["signature"].get<std::string>())));
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 3}}), "slot_locked");
}

TEST_F(SimulatorTest, RotateWithTheIssuersAuthorization) {
    auto sim = make();
    auto ca = make_ca("Test Devices");
    std::string old_cert = enroll(*sim, ca);
    ok(*sim, "finalize", {{"lock_debug", true}});
    auto old_csr = pki::parse_csr(ok(*sim, "get_csr", {{"slot", 0}})["csr"], "csr");

    auto r = ok(*sim, "rotate", {{"slot", 0}, {"authorization", authorization(*sim, ca.key.get())}});
    auto new_pub = spki_key(r["public_key"]);
    ASSERT_TRUE(new_pub);
    EXPECT_FALSE(pki::same_public_key(new_pub.get(), X509_REQ_get0_pubkey(old_csr.get())));
    auto certs = ok(*sim, "read_certs", {{"slot", 0}});
    EXPECT_EQ(certs["cert"], "");
    EXPECT_EQ(certs["chain"], ca.pem());
    ASSERT_EQ(sim->state().slots[0].retired.size(), 1u);
    EXPECT_EQ(sim->state().slots[0].retired[0].cert_pem, old_cert);

    // The rotated slot takes its new certificate once, although provisioned.
    std::string new_cert = issue(ca, ok(*sim, "get_csr", {{"slot", 0}})["csr"], 3);
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 0}, {"cert", old_cert}, {"chain", ca.pem()}}), "key_mismatch");
    ok(*sim, "write_certs", {{"slot", 0}, {"cert", new_cert}, {"chain", ca.pem()}});
    EXPECT_EQ(error(*sim, "write_certs", {{"slot", 0}, {"cert", new_cert}, {"chain", ca.pem()}}), "locked");
    auto s = ok(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode(kChallenge)}});
    EXPECT_TRUE(verifies(new_pub.get(), kChallenge, *util::base64_decode(s["signature"].get<std::string>())));
    EXPECT_EQ(make()->state().slots[0].retired.size(), 1u);  // on disk too
}

TEST_F(SimulatorTest, RotateRefusals) {
    auto sim = make();
    auto ca = make_ca("Test Devices");
    auto other = make_ca("Test Devices");  // same name, other key
    enroll(*sim, ca);
    std::string sig_b64 = util::base64_encode(std::string(70, 's'));
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", sig_b64}}), "unauthorized");  // no nonce
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", authorization(*sim, other.key.get())}}),
              "unauthorized");  // wrong key
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", authorization(*sim, ca.key.get(), 0, "SN-9999")}}),
              "unauthorized");  // signed for another device
    // A failed attempt uses the nonce up: the right signature over it comes too late.
    auto spent = *util::base64_decode(ok(*sim, "begin_rotate", {{"slot", 0}})["nonce"].get<std::string>());
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", sig_b64}}), "unauthorized");
    EXPECT_EQ(error(*sim, "rotate",
                    {{"slot", 0}, {"authorization", util::base64_encode(sign(ca.key.get(), rotate_message("SN-0001", spent)))}}),
              "unauthorized");
    // A right signature over the nonce, used twice: the second is refused.
    auto nonce = *util::base64_decode(ok(*sim, "begin_rotate", {{"slot", 0}})["nonce"].get<std::string>());
    std::string good = util::base64_encode(sign(ca.key.get(), rotate_message("SN-0001", nonce)));
    auto key_before = sim->state().slots[0].key_pem;
    ok(*sim, "rotate", {{"slot", 0}, {"authorization", good}});
    EXPECT_NE(sim->state().slots[0].key_pem, key_before);
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", good}}), "unauthorized");
    ASSERT_TRUE(sim->state().slots[0].cert_pem.empty());
    EXPECT_EQ(error(*sim, "begin_rotate", {{"slot", 0}}), "bad_request");  // nothing to rotate without a certificate
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", "%%"}}), "bad_request");
}

TEST_F(SimulatorTest, NonceIsLostOnRestart) {
    auto ca = make_ca("Test Devices");
    std::string auth;
    {
        auto sim = make();
        enroll(*sim, ca);
        auth = authorization(*sim, ca.key.get());
    }
    auto sim = make();
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", auth}}), "unauthorized");
}

TEST_F(SimulatorTest, SelfTest) {
    auto sim = make();
    auto r = ok(*sim, "self_test", {{"timeout_ms", 500}});
    EXPECT_EQ(r["passed"], true);
    EXPECT_TRUE(r["detail"].is_string());
}

// --- fault switches ---

TEST(SimFaults, Parsing) {
    auto f = device::parse_fault("reset@gen_key:2");
    EXPECT_EQ(f.kind, device::FaultKind::reset);
    EXPECT_EQ(f.cmd, "gen_key");
    EXPECT_EQ(f.count, 2u);
    f = device::parse_fault("noise");
    EXPECT_EQ(f.kind, device::FaultKind::noise);
    EXPECT_TRUE(f.cmd.empty());
    EXPECT_FALSE(f.count);
    EXPECT_EQ(device::parse_fault("busy:1").count, 1u);
    for (const char* bad : {"", "explode", "busy@nothing", "busy:0", "busy:x", "busy:", "busy@:1", "@hello"}) {
        try {
            device::parse_fault(bad);
            ADD_FAILURE() << bad;
        } catch (const util::Error& e) {
            EXPECT_EQ(e.code(), util::ExitCode::usage);
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
        }
    }
    try {
        device::parse_fault("explode");
    } catch (const util::Error& e) {
        EXPECT_NE(std::string(e.what()).find("drop-response"), std::string::npos) << e.what();
    }
}

TEST_F(SimulatorTest, FaultNoise) {
    auto sim = make({"noise"});
    auto hello = sim->handle(R"({"id":5,"cmd":"hello"})");
    EXPECT_EQ(hello.lines.size(), 1u);  // hello is spared unless @hello
    auto out = sim->handle(R"({"id":6,"cmd":"gen_key","args":{"slot":0}})");
    ASSERT_GT(out.lines.size(), 5u);
    int answers = 0;
    for (const auto& l : out.lines) {
        json j = json::parse(l, nullptr, false);
        if (j.is_object() && j.contains("id") && j["id"] == 6) ++answers;
    }
    EXPECT_EQ(answers, 1);
    EXPECT_EQ(json::parse(out.lines.back())["ok"], true);
    bool stale = false, array = false, not_json = false, no_id = false;
    for (const auto& l : out.lines) {
        json j = json::parse(l, nullptr, false);
        if (j.is_discarded()) not_json = true;
        else if (j.is_array()) array = true;
        else if (j.is_object() && !j.contains("id")) no_id = true;
        else if (j.is_object() && j["id"] != 6) stale = true;
    }
    EXPECT_TRUE(stale && array && not_json && no_id);
}

TEST_F(SimulatorTest, FaultDropResponseStillActs) {
    auto sim = make({"drop-response@set_device_id:1"});
    EXPECT_TRUE(sim->handle(R"({"id":1,"cmd":"set_device_id","args":{"device_id":"SN-7"}})").lines.empty());
    EXPECT_EQ(ok(*sim, "hello")["device_id"], "SN-7");
    ok(*sim, "set_device_id", {{"device_id", "SN-7"}});  // count used up: answered again
}

TEST_F(SimulatorTest, FaultResetDuringGenKeyKeepsTheKey) {
    auto sim = make({"reset@gen_key:1"});
    auto out = sim->handle(R"({"id":1,"cmd":"gen_key","args":{"slot":0}})");
    EXPECT_TRUE(out.reset);
    ASSERT_EQ(out.lines.size(), 1u);
    EXPECT_EQ(out.lines[0], "BOOT fw=1.4.2 reset-cause=brownout");
    EXPECT_FALSE(sim->state().slots[0].key_pem.empty());
    EXPECT_EQ(error(*sim, "gen_key", {{"slot", 0}}), "slot_locked");
    ok(*sim, "get_csr", {{"slot", 0}, {"subject", "CN=recovered"}});  // how a host learns the key
}

TEST_F(SimulatorTest, FaultResetElsewhereDoesNothingAndForgetsNonces) {
    auto ca = make_ca("Test Devices");
    auto sim = make({"reset@set_device_id:1", "reset@rotate:1"});
    auto out = sim->handle(R"({"id":1,"cmd":"set_device_id","args":{"device_id":"SN-0001"}})");
    EXPECT_TRUE(out.reset);
    EXPECT_FALSE(sim->state().device_id);
    enroll(*sim, ca);
    std::string auth = authorization(*sim, ca.key.get());
    EXPECT_TRUE(sim->handle(json{{"id", 99}, {"cmd", "rotate"}, {"args", {{"slot", 0}, {"authorization", auth}}}}.dump()).reset);
    EXPECT_EQ(error(*sim, "rotate", {{"slot", 0}, {"authorization", auth}}), "unauthorized");  // nonce gone
}

TEST_F(SimulatorTest, FaultBusyCounts) {
    auto sim = make({"busy:2"});
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", "SN-1"}}), "busy");
    EXPECT_EQ(error(*sim, "set_device_id", {{"device_id", "SN-1"}}), "busy");
    ok(*sim, "hello");
    ok(*sim, "set_device_id", {{"device_id", "SN-1"}});
    EXPECT_EQ(make({"busy"})->state().device_id, "SN-1");
}

TEST_F(SimulatorTest, FaultWrongDeviceId) {
    {
        auto sim = make({"wrong-device-id"});
        ok(*sim, "set_device_id", {{"device_id", "SN-1"}});
        ok(*sim, "gen_key", {{"slot", 0}});
        EXPECT_EQ(ok(*sim, "hello")["device_id"], "SN-1");
        EXPECT_EQ(ok(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode(kChallenge)}})["device_id"],
                  "SN-1-X");
    }
    auto sim = make({"wrong-device-id@hello"});
    EXPECT_EQ(ok(*sim, "hello")["device_id"], "SN-1-X");
    EXPECT_EQ(ok(*sim, "sign_challenge", {{"slot", 0}, {"challenge", util::base64_encode(kChallenge)}})["device_id"],
              "SN-1");
}

TEST_F(SimulatorTest, FaultBadSignature) {
    auto sim = make({"bad-signature:1"});
    auto pub = spki_key(ok(*sim, "gen_key", {{"slot", 0}})["public_key"]);
    json args = {{"slot", 0}, {"challenge", util::base64_encode(kChallenge)}};
    auto bad = util::base64_decode(ok(*sim, "sign_challenge", args)["signature"].get<std::string>());
    EXPECT_FALSE(verifies(pub.get(), kChallenge, *bad));
    auto good = util::base64_decode(ok(*sim, "sign_challenge", args)["signature"].get<std::string>());
    EXPECT_TRUE(verifies(pub.get(), kChallenge, *good));
}

TEST_F(SimulatorTest, FaultCorruptWrite) {
    auto sim = make({"corrupt-write"});
    auto ca = make_ca("Test Devices");
    ok(*sim, "set_device_id", {{"device_id", "SN-1"}});
    ok(*sim, "gen_key", {{"slot", 0}});
    std::string cert = issue(ca, ok(*sim, "get_csr", {{"slot", 0}})["csr"]);
    auto digest = ok(*sim, "write_certs", {{"slot", 0}, {"cert", cert}, {"chain", ca.pem()}})["cert_sha256"];
    auto sent = pki::parse_certificates(cert, "cert");
    EXPECT_NE(digest, util::cert_sha256_hex(sent[0].get()));
    std::string back = ok(*sim, "read_certs", {{"slot", 0}})["cert"];
    EXPECT_NE(back, cert);
    auto stored = pki::parse_certificates(back, "stored");
    EXPECT_EQ(digest, util::cert_sha256_hex(stored[0].get()));
}

TEST_F(SimulatorTest, FaultDebugLockFails) {
    auto sim = make({"debug-lock-fails"});
    auto ca = make_ca("Test Devices");
    enroll(*sim, ca);
    EXPECT_EQ(ok(*sim, "finalize", {{"lock_debug", true}})["debug_locked"], true);
    auto h = ok(*sim, "hello");
    EXPECT_EQ(h["debug_locked"], false);
    EXPECT_EQ(h["lifecycle"], "provisioned");
}

TEST_F(SimulatorTest, FaultSelfTestFails) {
    auto sim = make({"self-test-fails"});
    auto r = ok(*sim, "self_test");
    EXPECT_EQ(r["passed"], false);
    EXPECT_FALSE(r["detail"].get<std::string>().empty());
}

TEST_F(SimulatorTest, FaultCountsLiveInMemoryOnly) {
    make({"busy@hello:1"});
    auto sim = make({"busy@hello:1"});
    EXPECT_EQ(error(*sim, "hello"), "busy");
    ok(*sim, "hello");
    auto restarted = make({"busy@hello:1"});
    EXPECT_EQ(error(*restarted, "hello"), "busy");
}
