// SqliteStore: transactions under SQLite's write lock, watches that poll the shared file.
#include "store/sqlite_store.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "store/sqlite_connection_internal.h"
#include "store/txn_eval.h"

namespace holdfast::store {
namespace {

using sqlite_internal::Connection;
using sqlite_internal::kEventDelete;
using sqlite_internal::kEventPut;
using sqlite_internal::kMetaCompacted;
using sqlite_internal::kMetaRevision;
using sqlite_internal::readKey;
using sqlite_internal::readKeyValue;
using sqlite_internal::readMeta;
using sqlite_internal::readRange;
using sqlite_internal::StatementUse;
using sqlite_internal::Transaction;
using sqlite_internal::writeMeta;

// Applies the writes of one transaction at one new revision and records their events.
class TxnWriter {
public:
  TxnWriter(Connection& connection, Revision revision) noexcept
      : connection_(connection), revision_(revision) {}

  [[nodiscard]] Status apply(const Op& op) {
    switch (op.kind) {
      case Op::Kind::kPut:
        return put(op.key, op.value);
      case Op::Kind::kDelete:
        return del(op.key);
      case Op::Kind::kDeletePrefix:
        return delPrefix(op.key);
    }
    return makeError(Errc::kInternal, "unknown op kind");
  }

  // Number of events recorded; zero means the transaction changed nothing.
  [[nodiscard]] std::int64_t events() const noexcept { return seq_; }

private:
  Status put(std::string_view key, std::string_view value) {
    StatementUse use = connection_.put_kv.use();
    use.bindBlob(1, key);
    use.bindBlob(2, value);
    use.bindInt(3, revision_);
    auto row = use.step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return makeError(Errc::kStore, "sqlite store " + connection_.file + ": put returned no row");
    }
    const KeyValue kv{std::string(key), std::string(value), use.columnInt(0), revision_,
                      use.columnInt(1)};
    if (auto done = use.run(); !done.ok()) {
      return done.error();
    }
    return record(kEventPut, kv);
  }

  Status del(std::string_view key) {
    StatementUse use = connection_.delete_kv.use();
    use.bindBlob(1, key);
    auto changed = use.run();
    if (!changed.ok()) {
      return changed.error();
    }
    if (*changed == 0) {
      return okStatus();  // absent: no change, no event
    }
    return record(kEventDelete, KeyValue{std::string(key), {}, 0, revision_, 0});
  }

  Status delPrefix(std::string_view prefix) {
    auto kvs = readRange(connection_, prefix);
    if (!kvs.ok()) {
      return kvs.error();
    }
    for (const KeyValue& kv : *kvs) {
      if (Status done = del(kv.key); !done.ok()) {
        return done;
      }
    }
    return okStatus();
  }

  Status record(std::int64_t type, const KeyValue& kv) {
    StatementUse use = connection_.insert_event.use();
    use.bindInt(1, revision_);
    use.bindInt(2, seq_);
    use.bindInt(3, type);
    use.bindBlob(4, kv.key);
    use.bindBlob(5, kv.value);
    use.bindInt(6, kv.create_revision);
    use.bindInt(7, kv.mod_revision);
    use.bindInt(8, kv.version);
    if (auto done = use.run(); !done.ok()) {
      return done.error();
    }
    ++seq_;
    return okStatus();
  }

  Connection& connection_;
  const Revision revision_;
  std::int64_t seq_ = 0;
};

// Drops the oldest events beyond `limit` and raises meta.compacted to the newest dropped
// revision, so that watches from before it get kCompacted. Runs inside the write transaction.
Status trimHistory(Connection& connection, std::size_t limit) {
  std::int64_t max_id = 0;
  {
    StatementUse use = connection.max_event_id.use();
    if (auto row = use.step(); !row.ok()) {
      return row.error();
    }
    max_id = use.columnInt(0);
  }
  const auto keep = static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  if (max_id <= keep) {
    return okStatus();
  }

  // Ids grow in commit order, so the rows at or below the cut-off are the oldest events.
  const std::int64_t cutoff = max_id - keep;
  Revision newest_dropped = 0;
  {
    StatementUse use = connection.events_upto.use();
    use.bindInt(1, cutoff);
    if (auto row = use.step(); !row.ok()) {
      return row.error();
    }
    if (use.columnInt(0) == 0) {
      return okStatus();
    }
    newest_dropped = use.columnInt(1);
  }
  StatementUse use = connection.delete_events.use();
  use.bindInt(1, cutoff);
  if (auto done = use.run(); !done.ok()) {
    return done.error();
  }
  return writeMeta(connection, kMetaCompacted, newest_dropped);
}

struct Applied {
  TxnResult result;
  bool changed = false;
};

// The body of txn(): compares, one branch of writes, the revision and the history bound, all in
// one write transaction (S3: the check and the write are one atomic step).
Result<Applied> applyTxn(Connection& connection, const TxnRequest& request, std::size_t limit) {
  auto txn = Transaction::begin(connection, connection.begin_write);
  if (!txn.ok()) {
    return txn.error();
  }
  const auto revision = readMeta(connection, kMetaRevision);
  if (!revision.ok()) {
    return revision.error();
  }

  bool all_hold = true;
  for (const Compare& compare : request.compares) {
    const auto current = readKey(connection, compare.key);
    if (!current.ok()) {
      return current.error();
    }
    if (!evaluateCompare(compare, *current)) {
      all_hold = false;
      break;
    }
  }

  TxnWriter writer(connection, *revision + 1);
  for (const Op& op : all_hold ? request.success : request.failure) {
    if (Status done = writer.apply(op); !done.ok()) {
      return done.error();
    }
  }
  const bool changed = writer.events() > 0;
  if (changed) {
    if (Status done = writeMeta(connection, kMetaRevision, *revision + 1); !done.ok()) {
      return done.error();
    }
    if (Status done = trimHistory(connection, limit); !done.ok()) {
      return done.error();
    }
  }
  if (Status done = txn->commit(); !done.ok()) {
    return done.error();
  }
  return Applied{TxnResult{all_hold, changed ? *revision + 1 : *revision}, changed};
}

// The retained events under `prefix` with revision > `from`, in commit order.
Result<std::vector<Event>> readEvents(Connection& connection,
                                      std::string_view prefix,
                                      Revision from) {
  StatementUse use = connection.events_after.use();
  use.bindInt(1, from);
  use.bindBlob(2, prefix);
  std::vector<Event> events;
  for (;;) {
    auto row = use.step();
    if (!row.ok()) {
      return row.error();
    }
    if (!*row) {
      return events;
    }
    const auto type = use.columnInt(0) == kEventDelete ? Event::Type::kDelete : Event::Type::kPut;
    events.push_back(Event{type, readKeyValue(use, 1)});
  }
}

// One look at the history for watch(): fails with kCompacted if events after `after` are gone,
// else returns the events under `prefix` with revision > `from` (from >= after).
Result<WatchResult> scanEvents(Connection& connection,
                               std::string_view prefix,
                               Revision after,
                               Revision from) {
  auto txn = Transaction::begin(connection, connection.begin_read);
  if (!txn.ok()) {
    return txn.error();
  }
  const auto compacted = readMeta(connection, kMetaCompacted);
  if (!compacted.ok()) {
    return compacted.error();
  }
  if (after < *compacted) {
    return makeError(Errc::kCompacted, "watch from revision " + std::to_string(after) +
                                           " but history starts after " +
                                           std::to_string(*compacted));
  }
  const auto revision = readMeta(connection, kMetaRevision);
  if (!revision.ok()) {
    return revision.error();
  }

  auto events = readEvents(connection, prefix, from);
  if (!events.ok()) {
    return events.error();
  }
  if (Status done = txn->commit(); !done.ok()) {
    return done.error();
  }
  return WatchResult{std::move(*events), *revision};
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& file,
                                                       const SqliteStoreOptions& options) {
  auto connection = sqlite_internal::connect(file.string(), options.busy_timeout);
  if (!connection.ok()) {
    return connection.error();
  }
  return std::make_unique<SqliteStore>(Token{}, file.string(), options, std::move(*connection));
}

SqliteStore::SqliteStore(Token,
                         std::string file,
                         const SqliteStoreOptions& options,
                         std::unique_ptr<sqlite_internal::Connection> connection)
    : file_(std::move(file)), options_(options), connection_(std::move(connection)) {}

SqliteStore::~SqliteStore() = default;

Result<GetResult> SqliteStore::get(std::string_view key) {
  const std::lock_guard lock(mu_);
  auto txn = Transaction::begin(*connection_, connection_->begin_read);
  if (!txn.ok()) {
    return txn.error();
  }
  GetResult out;
  const auto revision = readMeta(*connection_, kMetaRevision);
  if (!revision.ok()) {
    return revision.error();
  }
  out.revision = *revision;
  auto kv = readKey(*connection_, key);
  if (!kv.ok()) {
    return kv.error();
  }
  out.kv = std::move(*kv);
  if (Status done = txn->commit(); !done.ok()) {
    return done.error();
  }
  return out;
}

Result<RangeResult> SqliteStore::range(std::string_view prefix) {
  const std::lock_guard lock(mu_);
  auto txn = Transaction::begin(*connection_, connection_->begin_read);
  if (!txn.ok()) {
    return txn.error();
  }
  RangeResult out;
  const auto revision = readMeta(*connection_, kMetaRevision);
  if (!revision.ok()) {
    return revision.error();
  }
  out.revision = *revision;
  auto kvs = readRange(*connection_, prefix);
  if (!kvs.ok()) {
    return kvs.error();
  }
  out.kvs = std::move(*kvs);
  if (Status done = txn->commit(); !done.ok()) {
    return done.error();
  }
  return out;
}

Result<TxnResult> SqliteStore::txn(const TxnRequest& request) {
  std::unique_lock lock(mu_);
  auto applied = applyTxn(*connection_, request, options_.history_limit);
  if (!applied.ok()) {
    return applied.error();
  }
  if (applied->changed) {
    ++commits_;
    lock.unlock();
    changed_.notify_all();
  }
  return applied->result;
}

Result<WatchResult> SqliteStore::watch(std::string_view prefix,
                                       Revision after,
                                       std::chrono::milliseconds max_wait) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  const auto poll_interval = std::max(options_.poll_interval, std::chrono::milliseconds(1));
  std::unique_lock lock(mu_);
  // Events up to `scanned` were already found not to match, so each poll reads only newer ones.
  Revision scanned = after;
  for (;;) {
    const std::uint64_t commits_seen = commits_;
    auto scan = scanEvents(*connection_, prefix, after, scanned);
    if (!scan.ok() || !scan->events.empty()) {
      return scan;
    }
    scanned = std::max(scanned, scan->revision);

    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return scan;
    }
    // Another process's commit sends no notification: wake at the poll interval to re-read.
    const auto wake = std::min(deadline, now + poll_interval);
    changed_.wait_until(lock, wake, [&] { return commits_ != commits_seen; });
  }
}

Result<Revision> SqliteStore::currentRevision() {
  const std::lock_guard lock(mu_);
  return readMeta(*connection_, kMetaRevision);
}

}  // namespace holdfast::store
