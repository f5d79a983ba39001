#pragma once
// Helpers for scenario tests: a CA hierarchy made through the real binary.
#include <map>
#include <string>

#include "support/test_support.hpp"

namespace scenario {

using testing_support::RunResult;

// Environment with the passphrase every scenario uses, reached via env:PROVCTL_TEST_PASS.
inline std::map<std::string, std::string> pass_env() { return {{"PROVCTL_TEST_PASS", "correct horse battery"}}; }

// `openssl` with arguments; returns its result.
inline RunResult openssl(const std::vector<std::string>& args, const std::string& cwd = {}) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing_support::run(argv, {}, cwd);
}

// Makes root.crt/root.key and int.crt/int.key (file keys) in `dir`.
void make_file_hierarchy(const std::string& dir);

}  // namespace scenario
