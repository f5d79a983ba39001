#pragma once
// The one-line progress bar of long runs, redrawn in place on stderr: only
// ever on a terminal. `counted` is what the rate counts (certificates issued,
// devices registered); the ETA comes from `done`.
#include <cstdint>
#include <iosfwd>

namespace cmd {

void draw_progress(std::ostream& err, uint64_t done, uint64_t total, uint64_t counted, double seconds);

}  // namespace cmd
