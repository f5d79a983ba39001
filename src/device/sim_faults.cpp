#include "device/sim_faults.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "util/error.hpp"

namespace device {

namespace {

constexpr std::array<std::pair<FaultKind, const char*>, 9> kFaults = {{
    {FaultKind::noise, "noise"},
    {FaultKind::drop_response, "drop-response"},
    {FaultKind::reset, "reset"},
    {FaultKind::busy, "busy"},
    {FaultKind::wrong_device_id, "wrong-device-id"},
    {FaultKind::bad_signature, "bad-signature"},
    {FaultKind::corrupt_write, "corrupt-write"},
    {FaultKind::debug_lock_fails, "debug-lock-fails"},
    {FaultKind::self_test_fails, "self-test-fails"},
}};

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

}  // namespace

std::string fault_names() {
    std::vector<std::string> names;
    for (const auto& [kind, name] : kFaults) names.emplace_back(name);
    return joined(names);
}

std::string fault_name(FaultKind kind) {
    for (const auto& [k, name] : kFaults)
        if (k == kind) return name;
    return "?";
}

const std::vector<std::string>& protocol_commands() {
    static const std::vector<std::string> names = {
        "hello",       "set_device_id",  "gen_key",  "get_csr",      "write_certs", "read_certs",
        "sign_challenge", "finalize",    "begin_rotate", "rotate",   "self_test",
    };
    return names;
}

FaultSpec parse_fault(const std::string& text) {
    std::string_view rest = text;
    FaultSpec spec;
    std::string_view count_text;
    if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        count_text = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        unsigned n = 0;
        auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), n);
        if (count_text.empty() || ec != std::errc() || end != count_text.data() + count_text.size() || n == 0)
            util::fail_input("--fault " + text + ": the count after ':' must be a whole number of at least 1");
        spec.count = n;
    }
    if (auto at = rest.find('@'); at != std::string_view::npos) {
        spec.cmd = std::string(rest.substr(at + 1));
        rest = rest.substr(0, at);
        const auto& cmds = protocol_commands();
        if (std::find(cmds.begin(), cmds.end(), spec.cmd) == cmds.end())
            util::fail_input("--fault " + text + ": unknown command '" + spec.cmd + "' after '@'; valid: " + joined(cmds));
    }
    for (const auto& [kind, name] : kFaults)
        if (rest == name) {
            spec.kind = kind;
            return spec;
        }
    util::fail_input("--fault " + text + ": unknown fault '" + std::string(rest) + "'; valid: " + fault_names());
}

bool FaultPlan::fire(FaultKind kind, std::string_view cmd) {
    for (auto& s : specs_) {
        if (s.kind != kind) continue;
        if (s.cmd.empty() ? cmd == "hello" : s.cmd != cmd) continue;
        if (s.count && *s.count == 0) continue;
        if (s.count) --*s.count;
        return true;
    }
    return false;
}

}  // namespace device
