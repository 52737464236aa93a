// The sqlite store's connection layer: schema, prepared statements, transactions and row reads.
//
// Schema (user_version 1):
//   meta    name -> integer: "revision" (the global revision) and "compacted" (watch history
//           holds every event with a revision above it)
//   kv      key -> value, create_revision, mod_revision, version
//   events  id (commit order), revision, seq (order within the revision), type, key, value,
//           create_revision, mod_revision, version; only the newest rows are kept
// Keys and values are BLOBs, so keys sort bytewise like std::string.
#include <algorithm>
#include <limits>
#include <utility>

#include "store/sqlite_connection_internal.h"

namespace holdfast::store::sqlite_internal {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);
CREATE TABLE IF NOT EXISTS kv (
  key BLOB PRIMARY KEY, value BLOB NOT NULL, create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, revision INTEGER NOT NULL, seq INTEGER NOT NULL,
  type INTEGER NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
  create_revision INTEGER NOT NULL, mod_revision INTEGER NOT NULL, version INTEGER NOT NULL,
  UNIQUE (revision, seq));
)sql";

struct StatementSpec {
  Statement Connection::*member;
  const char* sql;
};

constexpr StatementSpec kStatements[] = {
    {&Connection::begin_read, "BEGIN"},
    {&Connection::begin_write, "BEGIN IMMEDIATE"},
    {&Connection::commit, "COMMIT"},
    {&Connection::rollback, "ROLLBACK"},
    {&Connection::read_meta, "SELECT value FROM meta WHERE name = ?1"},
    {&Connection::write_meta, "UPDATE meta SET value = ?2 WHERE name = ?1"},
    {&Connection::get_kv,
     "SELECT key, value, create_revision, mod_revision, version FROM kv WHERE key = ?1"},
    {&Connection::range_from,
     "SELECT key, value, create_revision, mod_revision, version FROM kv "
     "WHERE key >= ?1 ORDER BY key"},
    {&Connection::range_between,
     "SELECT key, value, create_revision, mod_revision, version FROM kv "
     "WHERE key >= ?1 AND key < ?2 ORDER BY key"},
    {&Connection::put_kv,
     "INSERT INTO kv (key, value, create_revision, mod_revision, version) "
     "VALUES (?1, ?2, ?3, ?3, 1) "
     "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
     "mod_revision = excluded.mod_revision, version = version + 1 "
     "RETURNING create_revision, version"},
    {&Connection::delete_kv, "DELETE FROM kv WHERE key = ?1"},
    {&Connection::insert_event,
     "INSERT INTO events "
     "(revision, seq, type, key, value, create_revision, mod_revision, version) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
    {&Connection::events_after,
     "SELECT type, key, value, create_revision, mod_revision, version FROM events "
     "WHERE revision > ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY revision, seq"},
    {&Connection::max_event_id, "SELECT max(id) FROM events"},
    {&Connection::events_upto, "SELECT count(*), max(revision) FROM events WHERE id <= ?1"},
    {&Connection::delete_events, "DELETE FROM events WHERE id <= ?1"},
};

// The smallest key above every key that starts with `prefix`, or nullopt if there is none
// ("" and all-0xff prefixes): the exclusive upper bound of a prefix range.
std::optional<std::string> prefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    const auto last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::nullopt;
}

// Sets the pragmas every connection needs: WAL (readers never block the writer) and
// synchronous=FULL (a commit is on disk before txn() returns).
Status configure(sqlite3* db, const std::string& file) {
  auto mode = Statement::prepare(db, file, "PRAGMA journal_mode = WAL");
  if (!mode.ok()) {
    return mode.error();
  }
  StatementUse use = mode->use();
  auto row = use.step();
  if (!row.ok()) {
    return row.error();
  }
  if (!*row || use.columnBlob(0) != "wal") {
    return makeError(Errc::kStore, "sqlite store " + file + ": cannot use WAL journal mode");
  }
  return execute(db, file, "PRAGMA synchronous = FULL");
}

// Runs a query that returns one integer.
Result<std::int64_t> queryInt(sqlite3* db, const std::string& file, const char* sql) {
  auto query = Statement::prepare(db, file, sql);
  if (!query.ok()) {
    return query.error();
  }
  StatementUse use = query->use();
  if (auto row = use.step(); !row.ok()) {
    return row.error();
  }
  return use.columnInt(0);
}

// Creates the schema in a new file, or checks the version of an existing one. A file with
// tables but no version is some other program's database: refuse it rather than write into it.
Status ensureSchemaInTxn(sqlite3* db, const std::string& file) {
  const auto version = queryInt(db, file, "PRAGMA user_version");
  if (!version.ok()) {
    return version.error();
  }
  if (*version == kSchemaVersion) {
    return okStatus();
  }
  if (*version != 0) {
    return makeError(Errc::kStore, "sqlite store " + file + ": unsupported schema version " +
                                       std::to_string(*version));
  }
  const auto tables = queryInt(db, file, "SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) {
    return tables.error();
  }
  if (*tables != 0) {
    return makeError(Errc::kStore,
                     "sqlite store " + file + ": not a holdfast store (tables without version)");
  }
  if (Status created = execute(db, file, kSchema); !created.ok()) {
    return created;
  }
  const std::string set_version = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
  return execute(db, file, set_version.c_str());
}

Status ensureSchema(sqlite3* db, const std::string& file) {
  if (Status begun = execute(db, file, "BEGIN IMMEDIATE"); !begun.ok()) {
    return begun;
  }
  Status status = ensureSchemaInTxn(db, file);
  if (status.ok()) {
    status = execute(db, file, "COMMIT");
  }
  if (!status.ok() && sqlite3_get_autocommit(db) == 0) {
    static_cast<void>(execute(db, file, "ROLLBACK"));  // keep the first error
  }
  return status;
}

}  // namespace

Result<std::unique_ptr<Connection>> connect(const std::string& file,
                                            std::chrono::milliseconds busy_timeout) {
  auto db = openDatabase(file);
  if (!db.ok()) {
    return db.error();
  }
  auto connection = std::make_unique<Connection>();
  connection->file = file;
  connection->db = std::move(*db);
  sqlite3* raw = connection->db.get();
  sqlite3_busy_timeout(raw, static_cast<int>(std::min<std::int64_t>(
                                busy_timeout.count(), std::numeric_limits<int>::max())));
  if (Status done = configure(raw, file); !done.ok()) {
    return done.error();
  }
  if (Status done = ensureSchema(raw, file); !done.ok()) {
    return done.error();
  }
  for (const StatementSpec& spec : kStatements) {
    auto statement = Statement::prepare(raw, file, spec.sql);
    if (!statement.ok()) {
      return statement.error();
    }
    (*connection).*spec.member = std::move(*statement);
  }
  return connection;
}

Result<Transaction> Transaction::begin(Connection& connection, Statement& begin) {
  StatementUse use = begin.use();
  if (auto done = use.run(); !done.ok()) {
    return done.error();
  }
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
  if (connection_ != nullptr && sqlite3_get_autocommit(connection_->db.get()) == 0) {
    StatementUse use = connection_->rollback.use();
    static_cast<void>(use.run());  // nothing better to do: SQLite rolls back on close anyway
  }
}

Status Transaction::commit() {
  StatementUse use = connection_->commit.use();
  if (auto done = use.run(); !done.ok()) {
    return done.error();
  }
  connection_ = nullptr;
  return okStatus();
}

Result<std::int64_t> readMeta(Connection& connection, const char* name) {
  StatementUse use = connection.read_meta.use();
  use.bindText(1, name);
  auto row = use.step();
  if (!row.ok()) {
    return row.error();
  }
  if (!*row) {
    return makeError(Errc::kStore,
                     "sqlite store " + connection.file + ": meta row missing: " + name);
  }
  return use.columnInt(0);
}

Status writeMeta(Connection& connection, const char* name, std::int64_t value) {
  StatementUse use = connection.write_meta.use();
  use.bindText(1, name);
  use.bindInt(2, value);
  if (auto done = use.run(); !done.ok()) {
    return done.error();
  }
  return okStatus();
}

KeyValue readKeyValue(const StatementUse& use, int first) {
  return KeyValue{use.columnBlob(first), use.columnBlob(first + 1), use.columnInt(first + 2),
                  use.columnInt(first + 3), use.columnInt(first + 4)};
}

Result<std::optional<KeyValue>> readKey(Connection& connection, std::string_view key) {
  StatementUse use = connection.get_kv.use();
  use.bindBlob(1, key);
  auto row = use.step();
  if (!row.ok()) {
    return row.error();
  }
  if (!*row) {
    return std::optional<KeyValue>();
  }
  return std::optional<KeyValue>(readKeyValue(use, 0));
}

Result<std::vector<KeyValue>> readRange(Connection& connection, std::string_view prefix) {
  const std::optional<std::string> end = prefixEnd(prefix);
  StatementUse use = end ? connection.range_between.use() : connection.range_from.use();
  use.bindBlob(1, prefix);
  if (end) {
    use.bindBlob(2, *end);
  }
  std::vector<KeyValue> kvs;
  for (;;) {
    auto row = use.step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return kvs;
    }
    kvs.push_back(readKeyValue(use, 0));
  }
}

}  // namespace holdfast::store::sqlite_internal
