#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "device/id_template.hpp"

namespace cmd {

struct IdNextOptions {
    std::string id_template;
    std::string after;             // --after ID: start right after its sequence number
    std::optional<uint64_t> seq;   // --seq N: start at N
    uint64_t count = 1;
};

// Where the next IDs start: after --after, at --seq, or 1. The registry will
// supply its own last used number and call print_next_ids directly.
uint64_t first_seq(const IdNextOptions& options, const device::IdTemplate& tmpl);

// The `count` IDs from sequence number `first` on; throws (exit 2) when
// they run past what the template can hold.
std::vector<std::string> next_ids(const device::IdTemplate& tmpl, uint64_t first, uint64_t count);

void print_next_ids(const device::IdTemplate& tmpl, uint64_t first, uint64_t count, Context& ctx);

void run_id_next(const IdNextOptions& options, Context& ctx);

}  // namespace cmd
