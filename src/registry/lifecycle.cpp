#include "registry/lifecycle.hpp"

#include <algorithm>
#include <array>

#include "util/error.hpp"

namespace registry {

namespace {

constexpr std::array<const char*, 8> kNames = {"manufactured", "stocked",     "shipped",     "activated",
                                               "returned",     "refurbished", "quarantined", "retired"};

std::string join(const std::vector<State>& states) {
    std::string out;
    for (State s : states) out += (out.empty() ? "" : ", ") + to_string(s);
    return out.empty() ? "none" : out;
}

}  // namespace

std::string to_string(State s) { return kNames[static_cast<size_t>(s)]; }

std::optional<State> parse_state(const std::string& text) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (text == kNames[i]) return static_cast<State>(i);
    return std::nullopt;
}

const std::vector<State>& all_states() {
    static const std::vector<State> states = {State::manufactured, State::stocked,  State::shipped,
                                              State::activated,    State::returned, State::refurbished,
                                              State::quarantined,  State::retired};
    return states;
}

std::vector<State> allowed_next(State from, std::optional<State> prior) {
    using enum State;
    std::vector<State> next;
    switch (from) {
        case manufactured: next = {stocked}; break;
        case stocked: next = {shipped}; break;
        case shipped: next = {activated, returned}; break;
        case activated: next = {returned}; break;
        case returned: next = {refurbished}; break;
        case refurbished: next = {stocked}; break;
        case quarantined:
            // Back where it was, or on to repair or scrap.
            if (prior && *prior != quarantined && *prior != retired) next.push_back(*prior);
            for (State s : {refurbished, retired})
                if (std::find(next.begin(), next.end(), s) == next.end()) next.push_back(s);
            return next;
        case retired: return next;  // terminal: the ID is never reused
    }
    next.push_back(quarantined);
    next.push_back(retired);
    return next;
}

void check_transition(const std::string& device_id, State from, std::optional<State> prior, State to) {
    auto next = allowed_next(from, prior);
    if (std::find(next.begin(), next.end(), to) != next.end()) return;
    util::fail_input("device " + device_id + " is " + to_string(from) + " and cannot become " + to_string(to) +
                     "; allowed next states: " + join(next));
}

}  // namespace registry
