#include "device/sim_state.hpp"

#include <sys/stat.h>

#include <openssl/rand.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/hex.hpp"
#include "util/ossl.hpp"

namespace device {

namespace {

constexpr const char* kSchema = "provctl.device.sim-state/v1";

std::string text_field(const nlohmann::json& obj, const char* name, const std::string& origin) {
    auto it = obj.find(name);
    if (it == obj.end() || !it->is_string())
        util::fail_input(origin + ": field '" + name + "' is missing or not a string; is it a simulator state file?");
    return it->get<std::string>();
}

bool bool_field(const nlohmann::json& obj, const char* name, const std::string& origin) {
    auto it = obj.find(name);
    if (it == obj.end() || !it->is_boolean()) util::fail_input(origin + ": field '" + name + "' is missing or not true/false");
    return it->get<bool>();
}

std::string normalized_hex(const std::string& text, const std::string& what) {
    std::vector<uint8_t> bytes;
    if (text.empty() || !util::from_hex(text, bytes) || bytes.empty())
        util::fail_input(what + " '" + text + "' is not hex (e.g. 0123456789abcdef)");
    return util::to_hex(bytes);
}

}  // namespace

std::string random_hex(size_t n) {
    std::vector<uint8_t> bytes(n);
    if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) util::throw_openssl("no random bytes");
    return util::to_hex(bytes);
}

nlohmann::json SimState::to_json() const {
    nlohmann::json slot_list = nlohmann::json::array();
    for (const auto& s : slots) {
        nlohmann::json retired_list = nlohmann::json::array();
        for (const auto& r : s.retired) retired_list.push_back({{"key", r.key_pem}, {"cert", r.cert_pem}});
        slot_list.push_back({{"key", s.key_pem},
                             {"cert", s.cert_pem},
                             {"chain", s.chain_pem},
                             {"rotated", s.rotated},
                             {"retired", retired_list}});
    }
    return {{"schema", kSchema},
            {"hw_uid", hw_uid},
            {"se_serial", se_serial},
            {"device_id", device_id ? nlohmann::json(*device_id) : nlohmann::json(nullptr)},
            {"lifecycle", provisioned ? "provisioned" : "unprovisioned"},
            {"debug_locked", debug_locked},
            {"slots", slot_list}};
}

SimState SimState::from_json(const nlohmann::json& doc, const std::string& origin) {
    if (!doc.is_object() || doc.value("schema", std::string()) != kSchema)
        util::fail_input(origin + " is not a simulator state file (schema " + kSchema + ")");
    SimState s;
    s.hw_uid = text_field(doc, "hw_uid", origin);
    s.se_serial = text_field(doc, "se_serial", origin);
    auto id = doc.find("device_id");
    if (id != doc.end() && id->is_string()) s.device_id = id->get<std::string>();
    std::string lifecycle = text_field(doc, "lifecycle", origin);
    if (lifecycle != "provisioned" && lifecycle != "unprovisioned")
        util::fail_input(origin + ": lifecycle must be provisioned or unprovisioned, not '" + lifecycle + "'");
    s.provisioned = lifecycle == "provisioned";
    s.debug_locked = bool_field(doc, "debug_locked", origin);
    auto slots = doc.find("slots");
    if (slots == doc.end() || !slots->is_array() || slots->size() != kSimSlots)
        util::fail_input(origin + ": 'slots' must be a list of " + std::to_string(kSimSlots) + " slots");
    for (size_t i = 0; i < s.slots.size(); ++i) {
        const auto& js = (*slots)[i];
        std::string where = origin + " slot " + std::to_string(i);
        if (!js.is_object()) util::fail_input(where + " is not an object");
        auto& slot = s.slots[i];
        slot.key_pem = text_field(js, "key", where);
        slot.cert_pem = text_field(js, "cert", where);
        slot.chain_pem = text_field(js, "chain", where);
        slot.rotated = bool_field(js, "rotated", where);
        auto retired = js.find("retired");
        if (retired == js.end() || !retired->is_array()) util::fail_input(where + ": 'retired' must be a list");
        for (const auto& r : *retired) {
            if (!r.is_object()) util::fail_input(where + ": a retired key is not an object");
            slot.retired.push_back({text_field(r, "key", where), text_field(r, "cert", where)});
        }
    }
    return s;
}

SimState load_or_create_state(const std::string& path, const std::optional<std::string>& hw_uid) {
    std::optional<std::string> wanted;
    if (hw_uid) wanted = normalized_hex(*hw_uid, "--hw-uid");
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        SimState s;
        s.hw_uid = wanted ? *wanted : random_hex(8);
        s.se_serial = random_hex(9);
        save_state(path, s);
        return s;
    }
    std::string text = util::read_file(path);
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) util::fail_input(path + " is not JSON; is it a simulator state file?");
    SimState s = SimState::from_json(doc, path);
    if (wanted && *wanted != s.hw_uid)
        util::fail_input("--hw-uid " + *wanted + " differs from " + path + "'s hw_uid " + s.hw_uid +
                         ": one state file is one board");
    return s;
}

void save_state(const std::string& path, const SimState& state) {
    util::write_file_atomic(path, state.to_json().dump(2) + "\n", 0600, true);
}

}  // namespace device
