#include "device/client.hpp"

#include <openssl/rand.h>

#include "util/base64.hpp"
#include "util/text.hpp"

namespace device {

namespace {

using json = nlohmann::json;
using Kind = DeviceFailure::Kind;

[[noreturn]] void malformed(const std::string& cmd, const std::string& what) {
    throw DeviceFailure(Kind::protocol, "", "the answer to " + cmd + " " + what);
}

std::string text_field(const json& r, const std::string& cmd, const char* name) {
    auto it = r.find(name);
    if (it == r.end() || !it->is_string()) malformed(cmd, std::string("has no text field '") + name + "'");
    return it->get<std::string>();
}

std::string binary_field(const json& r, const std::string& cmd, const char* name) {
    auto bytes = util::base64_decode(text_field(r, cmd, name));
    if (!bytes) malformed(cmd, std::string("has a field '") + name + "' that is not base64");
    return *bytes;
}

bool bool_field(const json& r, const std::string& cmd, const char* name) {
    auto it = r.find(name);
    if (it == r.end() || !it->is_boolean()) malformed(cmd, std::string("has no true/false field '") + name + "'");
    return it->get<bool>();
}

// Device text goes into messages and tables: one line, no control characters.
std::string clean(const std::string& s) { return util::printable(s.size() > 200 ? s.substr(0, 200) + "..." : s); }

// Request IDs start somewhere random, so an answer left over from an
// earlier station run cannot be taken for one of ours.
int64_t first_id() {
    uint32_t r = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1) r = 1;
    return static_cast<int64_t>(r >> 1) + 1;
}

}  // namespace

Client::Client(LineChannel& channel, std::chrono::milliseconds timeout, std::function<void(const std::string&)> ignored)
    : channel_(channel), timeout_(timeout), ignored_(std::move(ignored)), next_id_(first_id()) {}

json Client::call(const std::string& cmd, const json& args) {
    const int64_t id = next_id_++;
    const Deadline deadline = Clock::now() + timeout_;
    std::string frame = json{{"id", id}, {"cmd", cmd}, {"args", args}}.dump() + "\n";
    if (!channel_.write_all(frame, deadline))
        throw DeviceFailure(Kind::timeout, "", "could not send " + cmd + " before the timeout");
    for (;;) {
        auto got = channel_.read_line(deadline);
        if (got.status == LineChannel::Status::timeout)
            throw DeviceFailure(Kind::timeout, "", "no answer to " + cmd + " within " +
                                                       std::to_string(timeout_.count()) + " ms");
        if (got.status == LineChannel::Status::closed)
            throw DeviceFailure(Kind::closed, "", "the port closed while waiting for the answer to " + cmd);
        if (got.status == LineChannel::Status::too_long) {
            if (ignored_) ignored_("(a line over 16 KiB, dropped)");
            continue;
        }
        json answer = json::parse(got.line, nullptr, false);
        if (answer.is_discarded() || !answer.is_object() || !answer.contains("id")) {
            if (ignored_) ignored_(clean(got.line));
            continue;
        }
        const json& aid = answer["id"];
        if (!aid.is_number_integer() || aid.get<int64_t>() != id) {
            if (ignored_) ignored_("(stale answer) " + clean(got.line));
            continue;
        }
        auto ok = answer.find("ok");
        if (ok == answer.end() || !ok->is_boolean()) malformed(cmd, "has no true/false 'ok'");
        if (ok->get<bool>()) {
            auto result = answer.find("result");
            if (result == answer.end() || !result->is_object()) malformed(cmd, "has no result object");
            return *result;
        }
        auto err = answer.find("error");
        std::string code = "internal", message;
        if (err != answer.end() && err->is_object()) {
            if (err->contains("code") && (*err)["code"].is_string()) code = (*err)["code"].get<std::string>();
            if (err->contains("message") && (*err)["message"].is_string())
                message = (*err)["message"].get<std::string>();
        }
        code = clean(code);
        throw DeviceFailure(Kind::refused, code,
                            cmd + " refused by the device: " + code + (message.empty() ? "" : " (" + clean(message) + ")"));
    }
}

Hello Client::hello() {
    json r = call("hello", json::object());
    Hello h;
    auto p = r.find("protocol");
    if (p == r.end() || !p->is_number_integer()) malformed("hello", "has no protocol number");
    h.protocol = p->get<int>();
    h.fw_version = clean(text_field(r, "hello", "fw_version"));
    if (r.contains("fw_sha256") && r["fw_sha256"].is_string()) h.fw_sha256 = clean(r["fw_sha256"].get<std::string>());
    h.hw_rev = clean(text_field(r, "hello", "hw_rev"));
    h.hw_uid = clean(text_field(r, "hello", "hw_uid"));
    h.se_serial = clean(text_field(r, "hello", "se_serial"));
    auto d = r.find("device_id");
    if (d != r.end() && d->is_string()) h.device_id = clean(d->get<std::string>());
    h.lifecycle = text_field(r, "hello", "lifecycle");
    if (h.lifecycle != "unprovisioned" && h.lifecycle != "provisioned")
        malformed("hello", "names an unknown lifecycle '" + clean(h.lifecycle) + "'");
    h.debug_locked = bool_field(r, "hello", "debug_locked");
    return h;
}

void Client::set_device_id(const std::string& id) { call("set_device_id", {{"device_id", id}}); }

std::string Client::gen_key(int slot, const std::string& key_type) {
    return binary_field(call("gen_key", {{"slot", slot}, {"key_type", key_type}}), "gen_key", "public_key");
}

std::string Client::get_csr(int slot, const std::string& subject) {
    return text_field(call("get_csr", {{"slot", slot}, {"subject", subject}}), "get_csr", "csr");
}

std::string Client::write_certs(int slot, const std::string& cert_pem, const std::string& chain_pem) {
    return text_field(call("write_certs", {{"slot", slot}, {"cert", cert_pem}, {"chain", chain_pem}}), "write_certs",
                      "cert_sha256");
}

StoredCerts Client::read_certs(int slot) {
    json r = call("read_certs", {{"slot", slot}});
    return {text_field(r, "read_certs", "cert"), text_field(r, "read_certs", "chain")};
}

ChallengeAnswer Client::sign_challenge(int slot, const std::string& challenge) {
    json r = call("sign_challenge", {{"slot", slot}, {"challenge", util::base64_encode(challenge)}});
    return {binary_field(r, "sign_challenge", "signature"), clean(text_field(r, "sign_challenge", "device_id"))};
}

Finalized Client::finalize(bool lock_debug) {
    json r = call("finalize", {{"lock_debug", lock_debug}});
    return {text_field(r, "finalize", "lifecycle"), bool_field(r, "finalize", "debug_locked")};
}

std::string Client::begin_rotate(int slot) {
    return binary_field(call("begin_rotate", {{"slot", slot}}), "begin_rotate", "nonce");
}

std::string Client::rotate(int slot, const std::string& authorization_der) {
    return binary_field(call("rotate", {{"slot", slot}, {"authorization", util::base64_encode(authorization_der)}}),
                        "rotate", "public_key");
}

SelfTest Client::self_test(int64_t timeout_ms) {
    json r = call("self_test", {{"timeout_ms", timeout_ms}});
    SelfTest t;
    t.passed = bool_field(r, "self_test", "passed");
    if (r.contains("detail") && r["detail"].is_string()) t.detail = clean(r["detail"].get<std::string>());
    return t;
}

}  // namespace device
