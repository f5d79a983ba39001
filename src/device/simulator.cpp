#include "device/simulator.hpp"

#include <chrono>
#include <thread>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "device/device_id.hpp"
#include "pki/cert_io.hpp"
#include "pki/der.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/ossl.hpp"

namespace device {

namespace {

using nlohmann::json;

// A refusal the protocol names: becomes {"ok": false, "error": {...}}.
struct ProtocolError {
    std::string code;
    std::string message;
};

[[noreturn]] void refuse(const char* code, const std::string& message) { throw ProtocolError{code, message}; }
[[noreturn]] void bad_request(const std::string& message) { refuse("bad_request", message); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void pause_ms(unsigned ms) {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

int slot_arg(const json& args) {
    auto it = args.find("slot");
    if (it == args.end() || !it->is_number_integer()) bad_request("args.slot must be an integer 0-3");
    auto slot = it->get<int64_t>();
    if (slot < 0 || slot >= kSimSlots) bad_request("args.slot must be an integer 0-3, not " + std::to_string(slot));
    return static_cast<int>(slot);
}

// A string argument; nullopt when absent (or null) and not required.
std::optional<std::string> string_arg(const json& args, const char* name, bool required) {
    auto it = args.find(name);
    if (it == args.end() || it->is_null()) {
        if (required) bad_request(std::string("args.") + name + " is missing (a string)");
        return std::nullopt;
    }
    if (!it->is_string()) bad_request(std::string("args.") + name + " must be a string");
    return it->get<std::string>();
}

bool bool_arg(const json& args, const char* name) {
    auto it = args.find(name);
    if (it == args.end() || it->is_null()) return false;
    if (!it->is_boolean()) bad_request(std::string("args.") + name + " must be true or false");
    return it->get<bool>();
}

std::string base64_arg(const json& args, const char* name) {
    auto text = string_arg(args, name, true);
    auto bytes = util::base64_decode(*text);
    if (!bytes) bad_request(std::string("args.") + name + " must be standard base64 (with '=' padding)");
    return *bytes;
}

util::EvpPkey parse_private_key(const std::string& pem) {
    util::BioPtr bio(util::check_ptr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "cannot read key"));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) util::throw_openssl("slot key in the state file is corrupt");
    return util::EvpPkey(key);
}

std::string public_key_b64(const EVP_PKEY* key) {
    auto der = pki::public_key_der(key);
    return util::base64_encode(std::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
}

// ECDSA with SHA-256 over `data`, DER-encoded.
std::string sign_sha256(EVP_PKEY* key, std::string_view data) {
    util::EvpMdCtx md(util::check_ptr(EVP_MD_CTX_new(), "cannot sign"));
    util::check_ok(EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key), "cannot sign");
    size_t len = 0;
    auto* in = reinterpret_cast<const unsigned char*>(data.data());
    util::check_ok(EVP_DigestSign(md.get(), nullptr, &len, in, data.size()), "cannot sign");
    std::string sig(len, '\0');
    util::check_ok(EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()),
                   "cannot sign");
    sig.resize(len);
    return sig;
}

bool verify_sha256(EVP_PKEY* key, std::string_view data, std::string_view sig) {
    util::EvpMdCtx md(EVP_MD_CTX_new());
    if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
    int rc = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size());
    ERR_clear_error();
    return rc == 1;
}

std::vector<util::X509Ptr> parse_pem_certs(const std::string& pem, const std::string& origin) {
    if (pem.empty()) return {};
    return pki::parse_certificates(pem, origin);
}

}  // namespace

Simulator::Simulator(std::string state_path, SimConfig config, const std::optional<std::string>& hw_uid)
    : state_path_(std::move(state_path)),
      config_(std::move(config)),
      faults_(config_.faults),
      state_(load_or_create_state(state_path_, hw_uid)) {}

std::string Simulator::boot_banner(const std::string& cause) const {
    return "BOOT fw=" + config_.fw_version + " reset-cause=" + cause;
}

std::vector<std::string> Simulator::noise_lines(int64_t id) const {
    return {
        "I (4211) se: slot scan done, 4 slots",
        "D (4212) uart: rx frame, handing to protocol task",
        "{not json at all",
        dump(json{{"log", "heap free 81234"}, {"level", "debug"}}),
        "[1,2]",
        dump(json{{"id", id - 1}, {"ok", true}, {"result", json::object()}}),
    };
}

void Simulator::save() { save_state(state_path_, state_); }

SimOutput Simulator::handle(const std::string& line) {
    SimOutput out;
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object()) return out;
    auto id_it = req.find("id");
    if (id_it == req.end() || !id_it->is_number_integer()) return out;
    int64_t id = id_it->get<int64_t>();
    auto cmd_it = req.find("cmd");
    std::string cmd = cmd_it != req.end() && cmd_it->is_string() ? cmd_it->get<std::string>() : std::string();

    if (faults_.fire(FaultKind::noise, cmd)) out.lines = noise_lines(id);
    auto answer_error = [&](const std::string& code, const std::string& message) {
        return dump(json{{"id", id}, {"ok", false}, {"error", {{"code", code}, {"message", message}}}});
    };
    std::string response;
    if (cmd_it == req.end() || !cmd_it->is_string()) {
        response = answer_error("bad_request", "cmd must be a string naming a command");
    } else if (auto a = req.find("args"); a != req.end() && !a->is_null() && !a->is_object()) {
        response = answer_error("bad_request", "args must be an object");
    } else if (faults_.fire(FaultKind::reset, cmd)) {
        // Power lost mid-command. gen_key gets as far as the SE writing the
        // key; every other command is not carried out at all.
        if (cmd == "gen_key") {
            try {
                gen_key(a != req.end() && a->is_object() ? *a : json::object());
            } catch (const ProtocolError&) {
            } catch (const std::exception&) {
            }
        }
        nonces_ = {};
        out.lines.push_back(boot_banner("brownout"));
        out.reset = true;
        return out;
    } else if (faults_.fire(FaultKind::busy, cmd)) {
        response = answer_error("busy", "secure element busy; retry");
    } else {
        json args = a != req.end() && a->is_object() ? *a : json::object();
        SimState before = state_;  // a command that fails half-way leaves no trace
        try {
            response = dump(json{{"id", id}, {"ok", true}, {"result", run(cmd, args)}});
        } catch (const ProtocolError& e) {
            state_ = std::move(before);
            response = answer_error(e.code, e.message);
        } catch (const std::exception& e) {
            state_ = std::move(before);
            response = answer_error("internal", e.what());
        }
    }
    if (!faults_.fire(FaultKind::drop_response, cmd)) out.lines.push_back(std::move(response));
    return out;
}

json Simulator::run(const std::string& cmd, const json& args) {
    if (cmd == "hello") return hello();
    if (cmd == "set_device_id") return set_device_id(args);
    if (cmd == "gen_key") return gen_key(args);
    if (cmd == "get_csr") return get_csr(args);
    if (cmd == "write_certs") return write_certs(args);
    if (cmd == "read_certs") return read_certs(args);
    if (cmd == "sign_challenge") return sign_challenge(args);
    if (cmd == "finalize") return finalize(args);
    if (cmd == "begin_rotate") return begin_rotate(args);
    if (cmd == "rotate") return rotate(args);
    if (cmd == "self_test") return self_test(args);
    bad_request("unknown command '" + cmd + "'");
}

json Simulator::hello() {
    json id = state_.device_id ? json(*state_.device_id) : json(nullptr);
    if (faults_.fire(FaultKind::wrong_device_id, "hello")) id = state_.device_id.value_or("") + "-X";
    return {
        {"protocol", 1},
        {"fw_version", config_.fw_version},
        {"fw_sha256", util::sha256_hex("provctl simulated firmware " + config_.fw_version)},
        {"hw_rev", config_.hw_rev},
        {"hw_uid", state_.hw_uid},
        {"se_serial", state_.se_serial},
        {"device_id", id},
        {"lifecycle", state_.provisioned ? "provisioned" : "unprovisioned"},
        {"debug_locked", state_.debug_locked},
    };
}

json Simulator::set_device_id(const json& args) {
    std::string id = *string_arg(args, "device_id", true);
    if (state_.provisioned) refuse("locked", "the device is provisioned: its ID can no longer change");
    if (auto problem = id_problem(id)) bad_request("args.device_id: " + *problem);
    if (state_.device_id != id) {
        state_.device_id = id;
        save();
    }
    return json::object();
}

json Simulator::gen_key(const json& args) {
    int slot = slot_arg(args);
    std::string type = string_arg(args, "key_type", false).value_or("ec-p256");
    if (type != "ec-p256" && type != "ec-p384") bad_request("args.key_type must be ec-p256 or ec-p384, not '" + type + "'");
    auto& s = state_.slots[static_cast<size_t>(slot)];
    if (!s.key_pem.empty())
        refuse("slot_locked", "slot " + std::to_string(slot) +
                                  " already holds a key; only an authorised rotate replaces it (get_csr shows its public key)");
    if (state_.provisioned) refuse("locked", "the device is provisioned: new keys come only from rotate");
    pause_ms(config_.keygen_ms);
    auto key = pki::generate_key(type == "ec-p384" ? pki::KeyType::ec_p384 : pki::KeyType::ec_p256);
    s.key_pem = pki::plaintext_private_key_pem(key.get());
    s.rotated = false;
    save();
    return {{"public_key", public_key_b64(key.get())}};
}

json Simulator::get_csr(const json& args) {
    int slot = slot_arg(args);
    auto subject_text = string_arg(args, "subject", false);
    const auto& s = state_.slots[static_cast<size_t>(slot)];
    if (s.key_pem.empty()) bad_request("slot " + std::to_string(slot) + " holds no key: gen_key first");
    if (!subject_text) {
        if (!state_.device_id) bad_request("args.subject is missing and the device has no ID to use as CN");
        subject_text = "CN=" + *state_.device_id;
    }
    util::X509NamePtr subject;
    try {
        subject = pki::parse_name(*subject_text, "args.subject");
    } catch (const util::Error& e) {
        bad_request(e.what());
    }
    pause_ms(config_.sign_ms);
    auto key = parse_private_key(s.key_pem);
    util::X509ReqPtr req(util::check_ptr(X509_REQ_new(), "cannot make request"));
    util::check_ok(X509_REQ_set_version(req.get(), 0), "cannot set request version");
    util::check_ok(X509_REQ_set_subject_name(req.get(), subject.get()), "cannot set subject");
    util::check_ok(X509_REQ_set_pubkey(req.get(), key.get()), "cannot set public key");
    util::check_ok(X509_REQ_sign(req.get(), key.get(), pki::digest_for(key.get())), "cannot sign request");
    return {{"csr", pki::csr_pem(req.get())}};
}

json Simulator::write_certs(const json& args) {
    int slot = slot_arg(args);
    std::string cert_text = *string_arg(args, "cert", true);
    std::string chain_text = string_arg(args, "chain", false).value_or("");
    auto& s = state_.slots[static_cast<size_t>(slot)];
    std::string which = "slot " + std::to_string(slot);
    if (state_.provisioned && !(s.rotated && s.cert_pem.empty()))
        refuse("locked", "the device is provisioned: " + which + " takes a certificate only after an authorised rotate");
    if (s.key_pem.empty()) bad_request(which + " holds no key: gen_key first");
    std::vector<util::X509Ptr> certs, chain;
    try {
        certs = pki::parse_certificates(cert_text, "args.cert");
        chain = parse_pem_certs(chain_text, "args.chain");
    } catch (const util::Error& e) {
        bad_request(e.what());
    }
    if (certs.size() != 1) bad_request("args.cert must hold exactly one certificate (issuers go in args.chain)");
    auto key = parse_private_key(s.key_pem);
    if (!pki::same_public_key(X509_get0_pubkey(certs[0].get()), key.get()))
        refuse("key_mismatch", "the certificate's public key is not " + which + "'s key");
    auto der = util::cert_der(certs[0].get());
    if (faults_.fire(FaultKind::corrupt_write, "write_certs")) der.back() ^= 0x01;
    std::string stored_chain;
    for (const auto& c : chain) stored_chain += pki::cert_pem(c.get());
    s.cert_pem = pki::der::pem("CERTIFICATE", std::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
    s.chain_pem = stored_chain;
    s.rotated = false;
    save();
    return {{"cert_sha256", util::sha256_hex(der.data(), der.size())}};
}

json Simulator::read_certs(const json& args) {
    const auto& s = state_.slots[static_cast<size_t>(slot_arg(args))];
    return {{"cert", s.cert_pem}, {"chain", s.chain_pem}};
}

json Simulator::sign_challenge(const json& args) {
    int slot = slot_arg(args);
    std::string challenge = base64_arg(args, "challenge");
    if (challenge.size() < 16 || challenge.size() > 64)
        bad_request("args.challenge must be 16 to 64 bytes, not " + std::to_string(challenge.size()));
    const auto& s = state_.slots[static_cast<size_t>(slot)];
    if (s.key_pem.empty()) bad_request("slot " + std::to_string(slot) + " holds no key");
    pause_ms(config_.sign_ms);
    auto key = parse_private_key(s.key_pem);
    if (faults_.fire(FaultKind::bad_signature, "sign_challenge")) challenge += "!";
    json id = state_.device_id ? json(*state_.device_id) : json(nullptr);
    if (faults_.fire(FaultKind::wrong_device_id, "sign_challenge")) id = state_.device_id.value_or("") + "-X";
    return {{"signature", util::base64_encode(sign_sha256(key.get(), challenge))}, {"device_id", id}};
}

json Simulator::finalize(const json& args) {
    bool lock_debug = bool_arg(args, "lock_debug");
    if (!state_.provisioned) {
        if (!state_.device_id) bad_request("the device has no ID: set_device_id first");
        bool ready = false;
        for (const auto& slot : state_.slots) ready = ready || (!slot.key_pem.empty() && !slot.cert_pem.empty());
        if (!ready) bad_request("no slot holds a key and its certificate: gen_key and write_certs first");
    }
    bool reported = state_.debug_locked;
    SimState before = state_;
    state_.provisioned = true;
    if (lock_debug) {
        reported = true;
        // The fuse write "fails": the answer says locked, the state does not.
        if (!faults_.fire(FaultKind::debug_lock_fails, "finalize")) state_.debug_locked = true;
    }
    if (state_.provisioned != before.provisioned || state_.debug_locked != before.debug_locked) save();
    return {{"lifecycle", "provisioned"}, {"debug_locked", reported}};
}

json Simulator::begin_rotate(const json& args) {
    int slot = slot_arg(args);
    const auto& s = state_.slots[static_cast<size_t>(slot)];
    if (s.cert_pem.empty())
        bad_request("slot " + std::to_string(slot) + " holds no certificate: there is nothing to rotate");
    if (!state_.device_id) bad_request("the device has no ID");
    std::string nonce(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), 32) != 1) util::throw_openssl("no random bytes");
    nonces_[static_cast<size_t>(slot)] = nonce;
    return {{"nonce", util::base64_encode(nonce)}};
}

json Simulator::rotate(const json& args) {
    int slot = slot_arg(args);
    std::string authorization = base64_arg(args, "authorization");
    auto& nonce = nonces_[static_cast<size_t>(slot)];
    std::string which = "slot " + std::to_string(slot);
    if (!nonce) refuse("unauthorized", "no rotation nonce for " + which + ": begin_rotate first (a nonce is used once and lost on reset)");
    std::string used = *nonce;
    nonce.reset();  // one attempt per nonce, whatever its outcome
    auto& s = state_.slots[static_cast<size_t>(slot)];
    if (s.cert_pem.empty() || !state_.device_id) refuse("unauthorized", which + " holds no certificate to rotate");
    std::string message = std::string("provctl-rotate-v1") + '\0' + *state_.device_id + '\0' + used;
    auto cert = parse_pem_certs(s.cert_pem, which + " certificate");
    auto chain = parse_pem_certs(s.chain_pem, which + " chain");
    bool authorised = false;
    for (const auto& c : chain) {
        if (X509_NAME_cmp(X509_get_subject_name(c.get()), X509_get_issuer_name(cert.at(0).get())) != 0) continue;
        EVP_PKEY* issuer_key = X509_get0_pubkey(c.get());
        if (issuer_key == nullptr) continue;
        if (verify_sha256(issuer_key, message, authorization)) {
            authorised = true;
            break;
        }
    }
    if (!authorised)
        refuse("unauthorized", "the authorization does not verify with the issuer of " + which + "'s certificate");
    pause_ms(config_.keygen_ms);
    auto old_key = parse_private_key(s.key_pem);
    auto type = pki::key_info(old_key.get()).curve == "P-384" ? pki::KeyType::ec_p384 : pki::KeyType::ec_p256;
    auto key = pki::generate_key(type);
    s.retired.push_back({s.key_pem, s.cert_pem});
    s.key_pem = pki::plaintext_private_key_pem(key.get());
    s.cert_pem.clear();
    s.rotated = true;
    save();
    return {{"public_key", public_key_b64(key.get())}};
}

json Simulator::self_test(const json& args) {
    if (auto it = args.find("timeout_ms"); it != args.end() && !it->is_null() && !it->is_number_unsigned())
        bad_request("args.timeout_ms must be a non-negative integer");
    if (faults_.fire(FaultKind::self_test_fails, "self_test"))
        return {{"passed", false}, {"detail", "secure element did not answer its health check (simulated fault)"}};
    int keys = 0;
    for (const auto& s : state_.slots) keys += s.key_pem.empty() ? 0 : 1;
    return {{"passed", true}, {"detail", "se ok, rng ok, flash ok, " + std::to_string(keys) + " of 4 slots hold keys"}};
}

}  // namespace device
