#include "support/registry_backends.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

#include "registry/handles.hpp"

namespace testing_support {

namespace {

class SqliteRaw final : public RawConnection {
public:
    explicit SqliteRaw(const std::string& path) {
        sqlite3* raw = nullptr;
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
        db_.reset(raw);
        sqlite3_busy_timeout(db_.get(), 20000);
    }
    std::string exec(const std::string& sql) override {
        if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return "";
        return sqlite3_errmsg(db_.get());
    }
    std::vector<std::string> column(const std::string& sql) override {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_.get()));
        registry::SqliteStmt stmt(raw);
        std::vector<std::string> out;
        while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
            const unsigned char* t = sqlite3_column_text(stmt.get(), 0);
            out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
        }
        return out;
    }

private:
    registry::SqliteDb db_;
};

class SqliteBackend final : public RegistryBackend {
public:
    std::string name() const override { return "sqlite"; }
    std::string url() const override { return "sqlite:" + dir_.file("registry.db"); }
    std::unique_ptr<RawConnection> connect() const override { return std::make_unique<SqliteRaw>(dir_.file("registry.db")); }

private:
    TempDir dir_;
};

class PgRaw final : public RawConnection {
public:
    explicit PgRaw(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
        if (PQstatus(conn_.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_.get()));
        PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
    }
    std::string exec(const std::string& sql) override {
        registry::PgResult res(PQexec(conn_.get(), sql.c_str()));
        auto status = PQresultStatus(res.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
        return PQresultErrorMessage(res.get());
    }
    std::vector<std::string> column(const std::string& sql) override {
        registry::PgResult res(PQexec(conn_.get(), sql.c_str()));
        if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) throw std::runtime_error(PQresultErrorMessage(res.get()));
        std::vector<std::string> out;
        for (int r = 0; r < PQntuples(res.get()); ++r) out.emplace_back(PQgetvalue(res.get(), r, 0));
        return out;
    }

private:
    registry::PgConn conn_;
};

// Each test gets its own schema (search_path in the URL), so tests may run
// in parallel against one database.
class PostgresBackend final : public RegistryBackend {
public:
    explicit PostgresBackend(std::string base) : base_(std::move(base)) {
        static std::atomic<int> counter{0};
        schema_ = "provctl_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
        std::string err = PgRaw(base_).exec("CREATE SCHEMA " + schema_);
        if (!err.empty()) throw std::runtime_error(err);
    }
    ~PostgresBackend() override {
        try {
            PgRaw(base_).exec("DROP SCHEMA " + schema_ + " CASCADE");
        } catch (...) {
            // The server may be gone at the end of a run; nothing left to clean then.
        }
    }
    std::string name() const override { return "postgresql"; }
    std::string url() const override {
        return base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
    std::unique_ptr<RawConnection> connect() const override { return std::make_unique<PgRaw>(url()); }

private:
    std::string base_;
    std::string schema_;
};

}  // namespace

std::unique_ptr<RegistryBackend> make_sqlite_backend() { return std::make_unique<SqliteBackend>(); }

std::unique_ptr<RegistryBackend> make_postgres_backend() {
    const char* url = std::getenv("PROVCTL_TEST_PG_URL");
    if (url == nullptr || *url == '\0') return nullptr;
    return std::make_unique<PostgresBackend>(url);
}

const char* pg_skip_message() {
    return "PROVCTL_TEST_PG_URL is not set: PostgreSQL registry tests skipped (scripts/test.sh starts a server)";
}

}  // namespace testing_support
