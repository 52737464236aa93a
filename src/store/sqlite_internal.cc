// RAII wrappers over the SQLite C API: every SQLite return code becomes a Result here.
#include "store/sqlite_internal.h"

namespace holdfast::store::sqlite_internal {
namespace {

// SQLite binds NULL for a null pointer, and an empty string_view may carry one; an empty value
// must stay an empty BLOB or TEXT.
const char* nonNullData(std::string_view bytes) noexcept {
  static constexpr char kEmpty[] = "";
  return bytes.empty() ? kEmpty : bytes.data();
}

}  // namespace

Error makeSqliteError(sqlite3* db, int rc, const std::string& file, std::string_view step) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string text = "sqlite store " + file + ": " + std::string(step) + ": ";
  text += message != nullptr ? message : sqlite3_errstr(rc);
  return makeError(Errc::kStore, std::move(text));
}

Result<DbHandle> openDatabase(const std::string& file) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  // SQLite allocates a handle even when opening fails; it must be closed either way.
  DbHandle db(raw);
  if (rc != SQLITE_OK) {
    return makeSqliteError(db.get(), rc, file, "open");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Status execute(sqlite3* db, const std::string& file, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return makeSqliteError(db, rc, file, sql);
  }
  return okStatus();
}

Result<Statement> Statement::prepare(sqlite3* db, const std::string& file, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  Statement statement(db, file, raw);
  if (rc != SQLITE_OK) {
    return makeSqliteError(db, rc, file, sql);
  }
  return statement;
}

StatementUse::~StatementUse() {
  sqlite3_reset(raw());
  sqlite3_clear_bindings(raw());
}

void StatementUse::bindInt(int index, std::int64_t value) noexcept {
  keepFirstBindError(sqlite3_bind_int64(raw(), index, value));
}

void StatementUse::bindText(int index, std::string_view text) noexcept {
  keepFirstBindError(sqlite3_bind_text64(raw(), index, nonNullData(text), text.size(),
                                         SQLITE_STATIC, SQLITE_UTF8));
}

void StatementUse::bindBlob(int index, std::string_view bytes) noexcept {
  keepFirstBindError(
      sqlite3_bind_blob64(raw(), index, nonNullData(bytes), bytes.size(), SQLITE_STATIC));
}

void StatementUse::keepFirstBindError(int rc) noexcept {
  if (bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
  }
}

Result<bool> StatementUse::step() {
  if (bind_rc_ != SQLITE_OK) {
    return makeSqliteError(statement_.db_, bind_rc_, statement_.file_,
                           std::string("bind for ") + sqlite3_sql(raw()));
  }
  const int rc = sqlite3_step(raw());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return makeSqliteError(statement_.db_, rc, statement_.file_, sqlite3_sql(raw()));
}

Result<int> StatementUse::run() {
  for (;;) {
    auto row = step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return sqlite3_changes(statement_.db_);
    }
  }
}

std::int64_t StatementUse::columnInt(int index) const noexcept {
  return sqlite3_column_int64(raw(), index);
}

std::string StatementUse::columnBlob(int index) const {
  // Ask for the pointer first, then the size: the size refers to the pointer's format.
  const void* data = sqlite3_column_blob(raw(), index);
  const int size = sqlite3_column_bytes(raw(), index);
  if (data == nullptr || size <= 0) {
    return {};
  }
  return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace holdfast::store::sqlite_internal
