#pragma once
// Device lifecycle states and the transitions allowed between them
// (the table is documented in docs/registry.md).
#include <optional>
#include <string>
#include <vector>

namespace registry {

enum class State { manufactured, stocked, shipped, activated, returned, refurbished, quarantined, retired };

std::string to_string(State s);
std::optional<State> parse_state(const std::string& text);
const std::vector<State>& all_states();

// Next states from `from`; `prior` is the state a quarantined device came from.
std::vector<State> allowed_next(State from, std::optional<State> prior);
// Exit 2 naming the current state and the allowed next states.
void check_transition(const std::string& device_id, State from, std::optional<State> prior, State to);

}  // namespace registry
