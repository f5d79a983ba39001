#pragma once
// A mistake found in an input file, with the line it is on.
#include <string>
#include <vector>

namespace manifest {

struct Problem {
    int line = 0;                  // 1-based; 0 when the file as a whole is wrong
    std::string message;
};

// "origin:line: message", one per line, as compilers print them.
inline std::string format_problems(const std::string& origin, const std::vector<Problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += '\n';
        out += origin + (p.line > 0 ? ":" + std::to_string(p.line) : std::string()) + ": " + p.message;
    }
    return out;
}

}  // namespace manifest
