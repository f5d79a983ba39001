// The embedded engine: one SQLite file, WAL journal, writers serialised by
// BEGIN IMMEDIATE (the write lock is taken before anything is read).
#include <string>

#include "registry/engines.hpp"
#include "registry/handles.hpp"

namespace registry {

namespace {

class SqliteRegistry final : public Registry {
public:
    SqliteRegistry(const std::string& path, std::string display, const util::Clock& clock)
        : Registry(std::move(display), clock) {
        sqlite3* raw = nullptr;
        int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        db_.reset(raw);
        if (rc != SQLITE_OK)
            util::fail_op("cannot open registry " + display_url() + ": " +
                          (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
        // Another station's transaction may hold the write lock for a moment.
        sqlite3_busy_timeout(db_.get(), 30000);
        sqlite3_extended_result_codes(db_.get(), 1);
        run("PRAGMA foreign_keys = ON", {});
        run("PRAGMA journal_mode = WAL", {});
        migrate();
    }

protected:
    std::vector<Row> run(const std::string& sql, const std::vector<Value>& params) override {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
            fail();
        SqliteStmt stmt(raw);
        for (size_t i = 0; i < params.size(); ++i) {
            int index = sqlite3_bind_parameter_index(stmt.get(), ("$" + std::to_string(i + 1)).c_str());
            if (index == 0) continue;
            int rc = SQLITE_OK;
            if (const auto* n = std::get_if<int64_t>(&params[i]))
                rc = sqlite3_bind_int64(stmt.get(), index, *n);
            else if (const auto* s = std::get_if<std::string>(&params[i]))
                rc = sqlite3_bind_text(stmt.get(), index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
            else
                rc = sqlite3_bind_null(stmt.get(), index);
            if (rc != SQLITE_OK) fail();
        }
        std::vector<Row> rows;
        for (;;) {
            int rc = sqlite3_step(stmt.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail();
            Row row;
            int n = sqlite3_column_count(stmt.get());
            for (int c = 0; c < n; ++c) {
                if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                } else {
                    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c));
                    row.emplace_back(std::string(t, static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c))));
                }
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    void begin_write() override { run("BEGIN IMMEDIATE", {}); }
    void commit() override { run("COMMIT", {}); }
    void rollback() noexcept override {
        // Errors here leave nothing to do: the transaction is gone either way.
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }

private:
    [[noreturn]] void fail() {
        int code = sqlite3_extended_errcode(db_.get());
        std::string message = "registry " + display_url() + ": " + sqlite3_errmsg(db_.get());
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) throw ConstraintViolation(message);
        util::fail_op(message);
    }

    SqliteDb db_;
};

}  // namespace

std::unique_ptr<Registry> open_sqlite(const std::string& path, const std::string& display, const util::Clock& clock) {
    return std::make_unique<SqliteRegistry>(path, display, clock);
}

}  // namespace registry
