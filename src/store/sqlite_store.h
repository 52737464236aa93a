// SqliteStore: the embedded store backend, one SQLite file in WAL mode with one global revision.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "store/store.h"

namespace holdfast::store {

namespace sqlite_internal {
struct Connection;
}  // namespace sqlite_internal

struct SqliteStoreOptions {
  // Bound on retained watch history, in events: each commit through this instance drops the
  // oldest events beyond it, and watchers from before them get kCompacted. Instances sharing a
  // file should use one value; the history holds whatever the last writer left.
  std::size_t history_limit = 100000;
  // How long a writer waits for another process's write transaction before failing with kStore.
  std::chrono::milliseconds busy_timeout{5000};
  // How often a waiting watch() re-reads the file to see commits of other processes (values
  // below 1 ms count as 1 ms); commits through this instance wake watchers at once.
  std::chrono::milliseconds poll_interval{50};
};

// The store interface over one SQLite database file.
//
// Durability: WAL mode with synchronous=FULL, so a transaction is on disk once txn() returns
// (it survives SIGKILL and power loss). Several instances and processes may open the same file:
// write transactions are serialized by SQLite's write lock (BEGIN IMMEDIATE), every read sees
// one committed revision, and watch() polls the file to see the other writers' commits.
//
// Errors: kStore with SQLite's message and the file name when SQLite fails, including when
// another process holds the write lock for longer than busy_timeout; watch() also kCompacted.
//
// Thread-safety: every method may be called from any thread; the instance holds one connection
// behind one mutex, and watch() releases it while it waits.
// Limitation: reads and writes through one instance serialize on that mutex, so a read waits
// for a write in progress (including its fsync); open a second instance for a reader that must
// not wait.
class SqliteStore final : public Store {
  struct Token {
    explicit Token() = default;
  };

public:
  // Opens the database at `file`, creating the file and its schema if missing (the directory
  // must exist). Returns kStore naming the file if it cannot be opened, is not a SQLite
  // database, holds an unknown schema version, or cannot use WAL mode.
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> open(
      const std::filesystem::path& file, const SqliteStoreOptions& options = {});

  // Use open(); the token keeps construction inside it.
  SqliteStore(Token,
              std::string file,
              const SqliteStoreOptions& options,
              std::unique_ptr<sqlite_internal::Connection> connection);
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  [[nodiscard]] Result<GetResult> get(std::string_view key) override;
  [[nodiscard]] Result<RangeResult> range(std::string_view prefix) override;
  [[nodiscard]] Result<TxnResult> txn(const TxnRequest& request) override;
  [[nodiscard]] Result<WatchResult> watch(std::string_view prefix,
                                          Revision after,
                                          std::chrono::milliseconds max_wait) override;
  [[nodiscard]] Result<Revision> currentRevision() override;

  // The database file, as given to open().
  [[nodiscard]] const std::string& file() const noexcept { return file_; }

private:
  const std::string file_;
  const SqliteStoreOptions options_;
  std::mutex mu_;
  std::condition_variable changed_;  // notified after every commit through this instance
  std::unique_ptr<sqlite_internal::Connection> connection_;  // guarded by mu_
  std::uint64_t commits_ = 0;  // guarded by mu_; commits that changed something, in-process
};

}  // namespace holdfast::store
