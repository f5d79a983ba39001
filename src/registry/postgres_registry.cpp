// The shared engine: PostgreSQL through libpq, for several stations on one
// registry. Writers are serialised by a transaction-scoped advisory lock, so
// the audit chain's "read last entry, append next" cannot interleave.
#include <string>

#include "registry/engines.hpp"
#include "registry/handles.hpp"

namespace registry {

namespace {

// Any constant works, as long as every provctl uses the same one ("PROVREG").
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(5067482871076167)";

void ignore_notice(void*, const char*) {}

std::string first_line(const char* text) {
    std::string s = text ? text : "";
    if (auto nl = s.find('\n'); nl != std::string::npos) s.erase(nl);
    return s;
}

class PostgresRegistry final : public Registry {
public:
    PostgresRegistry(const std::string& url, std::string display, const util::Clock& clock)
        : Registry(std::move(display), clock) {
        conn_.reset(PQconnectdb(url.c_str()));
        if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK)
            util::fail_op("cannot reach registry " + display_url() + ": " +
                          (conn_ ? first_line(PQerrorMessage(conn_.get())) : std::string("out of memory")));
        // "relation already exists, skipping" and friends are not for the user.
        PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
        migrate();
    }

protected:
    std::vector<Row> run(const std::string& sql, const std::vector<Value>& params) override {
        std::vector<std::string> storage(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (size_t i = 0; i < params.size(); ++i) {
            if (const auto* n = std::get_if<int64_t>(&params[i])) {
                storage[i] = std::to_string(*n);
                values[i] = storage[i].c_str();
            } else if (const auto* s = std::get_if<std::string>(&params[i])) {
                values[i] = s->c_str();
            }
        }
        PgResult res(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0));
        auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
            std::string message = "registry " + display_url() + ": " +
                                  first_line(res ? PQresultErrorMessage(res.get()) : PQerrorMessage(conn_.get()));
            if (state != nullptr && std::string(state) == "23505") throw ConstraintViolation(message);
            util::fail_op(message);
        }
        std::vector<Row> rows;
        int n = PQntuples(res.get());
        int cols = PQnfields(res.get());
        rows.reserve(static_cast<size_t>(n));
        for (int r = 0; r < n; ++r) {
            Row row;
            for (int c = 0; c < cols; ++c) {
                if (PQgetisnull(res.get(), r, c))
                    row.emplace_back(std::nullopt);
                else
                    row.emplace_back(std::string(PQgetvalue(res.get(), r, c),
                                                 static_cast<size_t>(PQgetlength(res.get(), r, c))));
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    void begin_write() override {
        run("BEGIN", {});
        try {
            run(kWriterLock, {});
        } catch (...) {
            rollback();
            throw;
        }
    }
    void commit() override {
        // After a failed statement PostgreSQL answers COMMIT with a silent
        // ROLLBACK; a caller that caught the error must not believe it committed.
        PgResult res(PQexec(conn_.get(), "COMMIT"));
        if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
            util::fail_op("registry " + display_url() + ": " + first_line(PQresultErrorMessage(res.get())));
        if (std::string(PQcmdStatus(res.get())) != "COMMIT")
            util::fail_op("registry " + display_url() + ": the transaction was rolled back after an earlier error");
    }
    void rollback() noexcept override {
        PgResult res(PQexec(conn_.get(), "ROLLBACK"));
    }

private:
    PgConn conn_;
};

}  // namespace

std::unique_ptr<Registry> open_postgres(const std::string& url, const std::string& display, const util::Clock& clock) {
    return std::make_unique<PostgresRegistry>(url, display, clock);
}

}  // namespace registry
