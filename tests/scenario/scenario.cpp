#include "scenario/scenario.hpp"

#include <gtest/gtest.h>

namespace scenario {

void make_file_hierarchy(const std::string& dir) {
    auto env = pass_env();
    auto r = testing_support::provctl({"ca", "init-root", "--subject", "CN=Test Root,O=Provctl Tests", "--key",
                                       "file:root.key", "--passphrase", "env:PROVCTL_TEST_PASS", "--days", "3650",
                                       "--out", "root.crt"},
                                      env, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = testing_support::provctl({"ca", "issue-intermediate", "--subject", "CN=Test Devices,O=Provctl Tests", "--key",
                                  "file:int.key", "--passphrase", "env:PROVCTL_TEST_PASS", "--issuer-cert", "root.crt",
                                  "--issuer-key", "file:root.key", "--issuer-passphrase", "env:PROVCTL_TEST_PASS",
                                  "--days", "1825", "--out", "int.crt"},
                                 env, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace scenario
