#include <gtest/gtest.h>

#include "registry/lifecycle.hpp"
#include "registry/registry.hpp"

using registry::State;

TEST(Lifecycle, NamesRoundTrip) {
    for (State s : registry::all_states()) EXPECT_EQ(registry::parse_state(registry::to_string(s)), s);
    EXPECT_FALSE(registry::parse_state("lost"));
    EXPECT_FALSE(registry::parse_state("Stocked"));
}

TEST(Lifecycle, Table) {
    using V = std::vector<State>;
    EXPECT_EQ(registry::allowed_next(State::manufactured, {}), (V{State::stocked, State::quarantined, State::retired}));
    EXPECT_EQ(registry::allowed_next(State::shipped, {}),
              (V{State::activated, State::returned, State::quarantined, State::retired}));
    EXPECT_EQ(registry::allowed_next(State::quarantined, State::shipped),
              (V{State::shipped, State::refurbished, State::retired}));
    EXPECT_EQ(registry::allowed_next(State::quarantined, State::refurbished), (V{State::refurbished, State::retired}));
    EXPECT_TRUE(registry::allowed_next(State::retired, {}).empty());
}

TEST(Lifecycle, RefusalNamesCurrentAndAllowed) {
    try {
        registry::check_transition("SN-1", State::returned, {}, State::shipped);
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_STREQ(e.what(), "device SN-1 is returned and cannot become shipped; allowed next states: refurbished, "
                               "quarantined, retired");
    }
}
