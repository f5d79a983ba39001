#include <gtest/gtest.h>

#include "support/test_support.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

using testing_support::TempDir;

TEST(AtomicFile, DiscardsWithoutCommit) {
    TempDir dir;
    {
        util::AtomicFile f(dir.file("out.pem"), 0644, false);
        f.write("half");
    }
    EXPECT_TRUE(testing_support::list_dir(dir.path()).empty());
}

TEST(AtomicFile, CommitWritesWithMode) {
    TempDir dir;
    util::write_file_atomic(dir.file("k.pem"), "secret", 0600, false);
    EXPECT_EQ(testing_support::slurp(dir.file("k.pem")), "secret");
    EXPECT_EQ(testing_support::file_mode(dir.file("k.pem")), 0600u);
    EXPECT_EQ(testing_support::list_dir(dir.path()).size(), 1u);
}

TEST(AtomicFile, RefusesExistingUnlessOverwrite) {
    TempDir dir;
    testing_support::spit(dir.file("a"), "old");
    try {
        util::write_file_atomic(dir.file("a"), "new", 0644, false);
        FAIL() << "expected refusal";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos);
    }
    EXPECT_EQ(testing_support::slurp(dir.file("a")), "old");
    util::write_file_atomic(dir.file("a"), "new", 0644, true);
    EXPECT_EQ(testing_support::slurp(dir.file("a")), "new");
    EXPECT_EQ(testing_support::list_dir(dir.path()).size(), 1u);
}
