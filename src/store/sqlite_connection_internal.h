// The sqlite store's connection layer: schema, prepared statements, transactions and row reads.
// Used by SqliteStore only. Nothing here locks: the owner of a Connection serializes its use.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

namespace holdfast::store::sqlite_internal {

// Rows of the meta table.
inline constexpr const char* kMetaRevision = "revision";    // the global revision
inline constexpr const char* kMetaCompacted = "compacted";  // newest revision of dropped events

// Event types as stored in events.type.
inline constexpr std::int64_t kEventPut = 0;
inline constexpr std::int64_t kEventDelete = 1;

// One connection and its prepared statements. Statements are declared after the handle so that
// they are finalized before it closes.
struct Connection {
  std::string file;  // for error messages
  DbHandle db;
  Statement begin_read;
  Statement begin_write;
  Statement commit;
  Statement rollback;
  Statement read_meta;
  Statement write_meta;
  Statement get_kv;
  Statement range_from;
  Statement range_between;
  Statement put_kv;
  Statement delete_kv;
  Statement insert_event;
  Statement events_after;
  Statement max_event_id;
  Statement events_upto;
  Statement delete_events;
};

// Opens `file` (creating it if missing), switches it to WAL with synchronous=FULL, creates or
// checks the schema and prepares every statement. Errors are kStore and name the file.
[[nodiscard]] Result<std::unique_ptr<Connection>> connect(const std::string& file,
                                                          std::chrono::milliseconds busy_timeout);

// An open transaction that rolls back unless commit() succeeds.
class Transaction {
public:
  // Runs `begin` (begin_read or begin_write of `connection`).
  [[nodiscard]] static Result<Transaction> begin(Connection& connection, Statement& begin);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  [[nodiscard]] Status commit();

private:
  explicit Transaction(Connection& connection) noexcept : connection_(&connection) {}

  Connection* connection_;  // null once committed or moved from
};

// The value of one meta row.
[[nodiscard]] Result<std::int64_t> readMeta(Connection& connection, const char* name);
[[nodiscard]] Status writeMeta(Connection& connection, const char* name, std::int64_t value);

// Reads the five kv columns (key, value, create_revision, mod_revision, version) of the current
// row, starting at column `first`.
[[nodiscard]] KeyValue readKeyValue(const StatementUse& use, int first);

// One key, or nullopt if it does not exist.
[[nodiscard]] Result<std::optional<KeyValue>> readKey(Connection& connection, std::string_view key);

// Every key that starts with `prefix`, sorted bytewise.
[[nodiscard]] Result<std::vector<KeyValue>> readRange(Connection& connection,
                                                      std::string_view prefix);

}  // namespace holdfast::store::sqlite_internal
