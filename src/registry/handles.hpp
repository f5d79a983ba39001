#pragma once
// Owners for the database handles (closed on every path, also in tests).
#include <memory>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "util/ossl.hpp"

namespace registry {

// sqlite3_close_v2 frees the handle even when statements are still alive.
inline void close_sqlite(sqlite3* db) noexcept { sqlite3_close_v2(db); }
using SqliteDb = std::unique_ptr<sqlite3, util::Free<close_sqlite>>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, util::Free<sqlite3_finalize>>;
using PgConn = std::unique_ptr<PGconn, util::Free<PQfinish>>;
using PgResult = std::unique_ptr<PGresult, util::Free<PQclear>>;

}  // namespace registry
