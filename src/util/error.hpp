#pragma once
// The one exception type of provctl: a message for the user and the exit
// code that main() turns it into. Lower layers throw it; only main() prints.
#include <stdexcept>
#include <string>

namespace util {

// Documented in man/provctl.1 and README.md. Never reuse `failed` for
// "a check said no": monitoring and scripts tell the two apart.
enum class ExitCode : int {
    ok = 0,
    failed = 1,         // the operation itself failed (I/O, token, signing)
    usage = 2,          // bad arguments or bad input files
    verify_failed = 3,  // a verification ran and said no
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const noexcept { return code_; }

private:
    ExitCode code_;
};

// Bad input from the user: arguments, files, passphrases (exit 2).
[[noreturn]] inline void fail_input(const std::string& message) { throw Error(ExitCode::usage, message); }
// The operation could not be carried out (exit 1).
[[noreturn]] inline void fail_op(const std::string& message) { throw Error(ExitCode::failed, message); }

}  // namespace util
