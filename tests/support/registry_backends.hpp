#pragma once
// The two registry engines as test backends: a fresh SQLite file, or a fresh
// schema in the PostgreSQL named by $PROVCTL_TEST_PG_URL. Each also gives raw
// SQL connections, so tests can tamper with rows and race writers directly.
#include <memory>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "util/time.hpp"

namespace testing_support {

// One raw connection that bypasses the registry code entirely.
class RawConnection {
public:
    virtual ~RawConnection() = default;
    // Runs one statement; returns "" on success, else the database's error message.
    virtual std::string exec(const std::string& sql) = 0;
    // The first column of every row; throws on failure.
    virtual std::vector<std::string> column(const std::string& sql) = 0;
};

class RegistryBackend {
public:
    virtual ~RegistryBackend() = default;
    virtual std::string name() const = 0;
    virtual std::string url() const = 0;
    virtual std::unique_ptr<RawConnection> connect() const = 0;
};

// nullptr when PROVCTL_TEST_PG_URL is unset (tests then skip).
std::unique_ptr<RegistryBackend> make_sqlite_backend();
std::unique_ptr<RegistryBackend> make_postgres_backend();
const char* pg_skip_message();

// A clock tests move by hand.
class FixedClock : public util::Clock {
public:
    explicit FixedClock(int64_t t = 1795000000) : t_(t) {}
    int64_t now() const override { return t_; }
    void advance(int64_t seconds) { t_ += seconds; }

private:
    int64_t t_;
};

}  // namespace testing_support
