// RAII wrappers over the SQLite C API for the sqlite store backend: connections, prepared
// statements and the conversion of SQLite return codes into Result. Not for other components.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace holdfast::store::sqlite_internal {

// An Error with code kStore naming the database file, the step that failed and SQLite's own
// message for `rc` (sqlite3_errmsg when `db` is given, else sqlite3_errstr).
[[nodiscard]] Error makeSqliteError(sqlite3* db,
                                    int rc,
                                    const std::string& file,
                                    std::string_view step);

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

// Sole owner of one connection; closing it finalizes nothing, so statements must go first.
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

// Opens (and creates if missing) the database file in read-write mode. The connection has no
// SQLite-level mutex: its owner must serialize every use.
[[nodiscard]] Result<DbHandle> openDatabase(const std::string& file);

// Runs one or more SQL statements that return no rows the caller needs.
[[nodiscard]] Status execute(sqlite3* db, const std::string& file, const char* sql);

class StatementUse;

// One prepared statement, reused for the life of its connection. Not thread-safe: the owner of
// the connection serializes its use. Run it through use().
class Statement {
public:
  // Compiles `sql` once; errors name the file and the SQL text.
  [[nodiscard]] static Result<Statement> prepare(sqlite3* db,
                                                 const std::string& file,
                                                 const char* sql);

  // Starts one execution. The returned object resets the statement when it goes out of scope,
  // so that no statement keeps a read transaction open.
  [[nodiscard]] StatementUse use() noexcept;

  // An empty statement, only to be assigned a prepared one.
  Statement() = default;

private:
  friend class StatementUse;

  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };

  Statement(sqlite3* db, std::string file, sqlite3_stmt* stmt) noexcept
      : db_(db), file_(std::move(file)), stmt_(stmt) {}

  sqlite3* db_ = nullptr;
  std::string file_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// One execution of a Statement: bind parameters (1-based), step, read columns (0-based).
// A failed bind is reported by the next step() or run().
class StatementUse {
public:
  explicit StatementUse(Statement& statement) noexcept : statement_(statement) {}

  ~StatementUse();

  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

  void bindInt(int index, std::int64_t value) noexcept;
  void bindText(int index, std::string_view text) noexcept;
  // Binds bytes as a BLOB (never NULL, also when empty), so that keys compare as memcmp.
  void bindBlob(int index, std::string_view bytes) noexcept;

  // Advances to the next row: true if a row is ready, false when the statement is done.
  [[nodiscard]] Result<bool> step();

  // Steps until done and returns how many rows the statement changed.
  [[nodiscard]] Result<int> run();

  // Column values; SQL NULL reads as 0 and as an empty string.
  [[nodiscard]] std::int64_t columnInt(int index) const noexcept;
  [[nodiscard]] std::string columnBlob(int index) const;

private:
  [[nodiscard]] sqlite3_stmt* raw() const noexcept { return statement_.stmt_.get(); }

  void keepFirstBindError(int rc) noexcept;

  Statement& statement_;
  int bind_rc_ = SQLITE_OK;
};

inline StatementUse Statement::use() noexcept {
  return StatementUse(*this);
}

}  // namespace holdfast::store::sqlite_internal
