// The embedded engine: one SQLite file, WAL journal, writers serialised by
// BEGIN IMMEDIATE (the write lock is taken before anything is read).
#include <string>
#include <unordered_map>
#include <vector>

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
        Prepared& prep = prepared(sql);
        sqlite3_stmt* stmt = prep.stmt.get();
        // Reset on every way out, so no statement keeps a read open between calls.
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{stmt};
        for (size_t i = 0; i < params.size(); ++i) {
            int index = i + 1 < prep.index.size() ? prep.index[i + 1] : 0;
            if (index == 0) continue;
            int rc = SQLITE_OK;
            if (const auto* n = std::get_if<int64_t>(&params[i]))
                rc = sqlite3_bind_int64(stmt, index, *n);
            else if (const auto* s = std::get_if<std::string>(&params[i]))
                rc = sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
            else
                rc = sqlite3_bind_null(stmt, index);
            if (rc != SQLITE_OK) fail();
        }
        std::vector<Row> rows;
        for (;;) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail();
            Row row;
            int n = sqlite3_column_count(stmt);
            for (int c = 0; c < n; ++c) {
                if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                } else {
                    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                    row.emplace_back(std::string(t, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
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
    // SQL text is constant, so statements are prepared once per connection:
    // a batch runs the same few statements millions of times.
    struct Prepared {
        SqliteStmt stmt;
        std::vector<int> index;  // index[N]: SQLite's index of parameter $N, 0 when unused
    };

    Prepared& prepared(const std::string& sql) {
        auto it = statements_.find(sql);
        if (it != statements_.end()) return it->second;
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
            fail();
        Prepared p{SqliteStmt(raw), {}};
        for (int i = 1; i <= sqlite3_bind_parameter_count(raw); ++i) {
            const char* name = sqlite3_bind_parameter_name(raw, i);
            if (name == nullptr || name[0] != '$') continue;
            size_t n = std::stoul(name + 1);
            if (p.index.size() <= n) p.index.resize(n + 1, 0);
            p.index[n] = i;
        }
        return statements_.emplace(sql, std::move(p)).first->second;
    }

    [[noreturn]] void fail() {
        int code = sqlite3_extended_errcode(db_.get());
        std::string message = "registry " + display_url() + ": " + sqlite3_errmsg(db_.get());
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) throw ConstraintViolation(message);
        util::fail_op(message);
    }

    SqliteDb db_;
    std::unordered_map<std::string, Prepared> statements_;  // declared after db_: finalized first
};

}  // namespace

std::unique_ptr<Registry> open_sqlite(const std::string& path, const std::string& display, const util::Clock& clock) {
    return std::make_unique<SqliteRegistry>(path, display, clock);
}

}  // namespace registry
