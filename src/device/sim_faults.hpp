#pragma once
// Fault switches of the device simulator: `--fault NAME[@CMD][:COUNT]`.
// docs/device-protocol.md (Simulator) says what each one does. Counts live in
// memory only: a restarted simulator starts with every count full again.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace device {

enum class FaultKind {
    noise,
    drop_response,
    reset,
    busy,
    wrong_device_id,
    bad_signature,
    corrupt_write,
    debug_lock_fails,
    self_test_fails,
};

struct FaultSpec {
    FaultKind kind = FaultKind::noise;
    std::string cmd;                // "" = any command but hello
    std::optional<unsigned> count;  // nullopt = every time
};

// "noise, drop-response, reset, ..." for errors and help.
std::string fault_names();
std::string fault_name(FaultKind kind);

// The protocol's command names, in the order docs/device-protocol.md lists them.
const std::vector<std::string>& protocol_commands();

// Exit 2 with one line naming the valid faults (or commands) when `text` is not a spec.
FaultSpec parse_fault(const std::string& text);

// The switches of one run and how often each may still fire.
class FaultPlan {
public:
    FaultPlan() = default;
    explicit FaultPlan(std::vector<FaultSpec> specs) : specs_(std::move(specs)) {}

    // True (and one firing used up) when a switch of `kind` applies to `cmd`.
    bool fire(FaultKind kind, std::string_view cmd);

private:
    std::vector<FaultSpec> specs_;
};

}  // namespace device
