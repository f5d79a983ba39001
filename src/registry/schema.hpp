#pragma once
// The versioned migrations: one SQL text per step, the same on SQLite and
// PostgreSQL (only types and constraints both engines read the same way).
#include <string>
#include <vector>

namespace registry {

struct Migration {
    int version;
    std::vector<std::string> statements;
};

const std::vector<Migration>& migrations();

}  // namespace registry
