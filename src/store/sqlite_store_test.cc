// Tests of what only the sqlite backend promises: persistence, crash safety, several instances
// on one file, and clear errors for files it cannot use.
#include "store/sqlite_store.h"

#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite_internal.h"
#include "store/temp_dir_internal.h"

namespace holdfast::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// See store_conformance_test.cc: a wake-up well inside this bound is a real wake-up.
constexpr milliseconds kWakeBound{5000};
constexpr milliseconds kLongWait{20000};
// Bound on waiting for the child of the crash test to report progress.
constexpr int kChildTimeoutMs = 20000;

// Waits until the watcher thread runs, then gives it a moment to reach its blocking wait, so
// that the commit after this usually exercises the wake-up path. The test passes either way when
// the store is right; the pause only makes a broken wake-up likely to be caught.
void letWatcherStartWaiting(std::latch& started) {
  started.wait();
  std::this_thread::sleep_for(milliseconds(100));
}

template <typename T>
T unwrap(Result<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.error().toString();
    return T{};
  }
  return std::move(result).value();
}

std::string keyOf(std::int64_t i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "k/%08lld", static_cast<long long>(i));
  return buffer;
}

// Runs in the forked child: commits transaction after transaction and reports each one on `fd`
// once txn() has returned. Never returns.
[[noreturn]] void runCommitter(const std::filesystem::path& file, int fd, std::int64_t max) {
  auto store = SqliteStore::open(file);
  if (!store.ok()) {
    _exit(2);
  }
  for (std::int64_t i = 1; i <= max; ++i) {
    TxnRequest request;
    request.success = {Op::put(keyOf(i), std::to_string(i)), Op::put("counter", std::to_string(i))};
    const auto result = (*store)->txn(request);
    if (!result.ok() || result->revision != i) {
      _exit(3);
    }
    if (write(fd, &i, sizeof i) != static_cast<ssize_t>(sizeof i)) {
      _exit(4);
    }
  }
  _exit(0);
}

// Reads the next acknowledgement from the child; nullopt at end of file or after the timeout.
std::optional<std::int64_t> readAck(int fd) {
  std::int64_t ack = 0;
  auto* bytes = reinterpret_cast<char*>(&ack);
  std::size_t have = 0;
  while (have < sizeof ack) {
    pollfd poll_fd{fd, POLLIN, 0};
    if (poll(&poll_fd, 1, kChildTimeoutMs) != 1) {
      return std::nullopt;
    }
    const ssize_t got = read(fd, bytes + have, sizeof ack - have);
    if (got <= 0) {
      return std::nullopt;
    }
    have += static_cast<std::size_t>(got);
  }
  return ack;
}

std::string integrityCheck(const std::filesystem::path& file) {
  auto db = sqlite_internal::openDatabase(file.string());
  if (!db.ok()) {
    return db.error().toString();
  }
  auto check =
      sqlite_internal::Statement::prepare(db->get(), file.string(), "PRAGMA integrity_check");
  if (!check.ok()) {
    return check.error().toString();
  }
  auto use = check->use();
  if (auto row = use.step(); !row.ok() || !*row) {
    return "integrity_check returned nothing";
  }
  return use.columnBlob(0);
}

class SqliteStoreTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "cannot create a temp dir"; }

  std::unique_ptr<SqliteStore> open(const SqliteStoreOptions& options = {}) {
    auto store = SqliteStore::open(file(), options);
    if (!store.ok()) {
      ADD_FAILURE() << store.error().toString();
      return nullptr;
    }
    return std::move(*store);
  }

  std::filesystem::path file() const { return dir_.path() / "store.db"; }

  test_support::TempDir dir_;
};

TEST_F(SqliteStoreTest, ReopenKeepsDataRevisionsAndHistory) {
  {
    const auto store = open();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->file(), file().string());
    EXPECT_EQ(unwrap(store->put("a", "1")), 1);
    EXPECT_EQ(unwrap(store->put("b", "2")), 2);
    EXPECT_EQ(unwrap(store->del("a")), 3);
  }
  const auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(unwrap(store->currentRevision()), 3);
  const GetResult b = unwrap(store->get("b"));
  ASSERT_TRUE(b.kv.has_value());
  EXPECT_EQ(b.kv->value, "2");
  EXPECT_EQ(b.kv->create_revision, 2);
  EXPECT_EQ(b.kv->mod_revision, 2);
  EXPECT_FALSE(unwrap(store->get("a")).kv.has_value());
  EXPECT_EQ(unwrap(store->watch("", 0, milliseconds(0))).events.size(), 3U);
  EXPECT_EQ(unwrap(store->put("c", "3")), 4);
}

TEST_F(SqliteStoreTest, CompactionPersistsAcrossReopen) {
  SqliteStoreOptions options;
  options.history_limit = 2;
  {
    const auto store = open(options);
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 5; ++i) {
      static_cast<void>(unwrap(store->put("k", std::to_string(i))));
    }
  }
  const auto store = open(options);
  ASSERT_NE(store, nullptr);
  const auto old = store->watch("", 2, milliseconds(0));
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, Errc::kCompacted);
  EXPECT_EQ(unwrap(store->watch("", 3, milliseconds(0))).events.size(), 2U);
}

TEST_F(SqliteStoreTest, EveryAcknowledgedCommitSurvivesSigkill) {
  constexpr std::int64_t kAckedBeforeKill = 40;
  constexpr std::int64_t kMaxCommits = 1000000;  // ends the child if the kill never comes
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    close(fds[0]);
    runCommitter(file(), fds[1], kMaxCommits);
  }
  close(fds[1]);

  std::int64_t acked = 0;
  while (acked < kAckedBeforeKill) {
    const auto ack = readAck(fds[0]);
    if (!ack) {
      break;
    }
    acked = *ack;
  }
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  // Acknowledgements written before the kill are still in the pipe; then it reads end of file.
  while (const auto ack = readAck(fds[0])) {
    acked = *ack;
  }
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  ASSERT_GE(acked, kAckedBeforeKill);

  // Every acknowledged commit is there; at most one more (committed, not yet acknowledged).
  EXPECT_EQ(integrityCheck(file()), "ok");
  const auto store = open();
  ASSERT_NE(store, nullptr);
  const Revision revision = unwrap(store->currentRevision());
  EXPECT_GE(revision, acked);
  EXPECT_LE(revision, acked + 1);
  const RangeResult keys = unwrap(store->range("k/"));
  ASSERT_EQ(keys.kvs.size(), static_cast<std::size_t>(revision));
  for (std::int64_t i = 1; i <= revision; ++i) {
    const KeyValue& kv = keys.kvs[static_cast<std::size_t>(i - 1)];
    EXPECT_EQ(kv.key, keyOf(i));
    EXPECT_EQ(kv.mod_revision, i);
  }
  EXPECT_EQ(unwrap(store->get("counter")).kv.value_or(KeyValue{}).value, std::to_string(revision));
  EXPECT_EQ(unwrap(store->watch("k/", 0, milliseconds(0))).events.size(),
            static_cast<std::size_t>(revision));
  EXPECT_EQ(unwrap(store->put("after", "crash")), revision + 1);
}

TEST_F(SqliteStoreTest, TwoInstancesSeeEachOthersWrites) {
  const auto first = open();
  const auto second = open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(unwrap(first->put("a", "from first")), 1);
  EXPECT_EQ(unwrap(second->get("a")).kv.value_or(KeyValue{}).value, "from first");
  EXPECT_EQ(unwrap(second->put("b", "from second")), 2);
  EXPECT_EQ(unwrap(first->currentRevision()), 2);
  EXPECT_EQ(unwrap(first->range("")).kvs.size(), 2U);
  EXPECT_EQ(unwrap(first->watch("", 1, milliseconds(0))).events.size(), 1U);
}

TEST_F(SqliteStoreTest, CompareAndSwapAcrossInstances) {
  const auto first = open();
  const auto second = open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  static_cast<void>(unwrap(first->put("published", "g1")));

  // Both read the same mod_revision; only the first CAS to commit wins.
  const Revision seen = unwrap(second->get("published")).kv.value_or(KeyValue{}).mod_revision;
  const TxnRequest from_first{
      {Compare::modRevisionIs("published", seen)}, {Op::put("published", "g2")}, {}};
  const TxnRequest from_second{
      {Compare::modRevisionIs("published", seen)}, {Op::put("published", "g3")}, {}};
  EXPECT_TRUE(unwrap(first->txn(from_first)).succeeded);
  const TxnResult lost = unwrap(second->txn(from_second));
  EXPECT_FALSE(lost.succeeded);
  EXPECT_EQ(lost.revision, 2);
  EXPECT_EQ(unwrap(second->get("published")).kv.value_or(KeyValue{}).value, "g2");
}

TEST_F(SqliteStoreTest, ConcurrentIncrementsThroughTwoInstancesAreNeverLost) {
  constexpr int kThreadsPerInstance = 3;
  constexpr int kIncrements = 50;
  constexpr int kMaxAttempts = 100000;  // retries are bounded; contention never needs this many
  const auto first = open();
  const auto second = open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerInstance; ++t) {
    Store& store = t % 2 == 0 ? *first : *second;
    threads.emplace_back([&store] {
      int done = 0;
      for (int attempts = 0; done < kIncrements && attempts < kMaxAttempts; ++attempts) {
        const GetResult got = unwrap(store.get("counter"));
        const int value = got.kv ? std::stoi(got.kv->value) : 0;
        const TxnRequest request{
            {Compare::modRevisionIs("counter", got.kv ? got.kv->mod_revision : 0)},
            {Op::put("counter", std::to_string(value + 1))},
            {}};
        done += unwrap(store.txn(request)).succeeded ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  const int expected = 2 * kThreadsPerInstance * kIncrements;
  EXPECT_EQ(unwrap(first->get("counter")).kv.value_or(KeyValue{}).value, std::to_string(expected));
  EXPECT_EQ(unwrap(second->currentRevision()), expected);
}

TEST_F(SqliteStoreTest, WatchWakesForWriteThroughAnotherInstance) {
  const auto watcher_store = open();
  const auto writer_store = open();
  ASSERT_NE(watcher_store, nullptr);
  ASSERT_NE(writer_store, nullptr);
  WatchResult watched;
  std::chrono::nanoseconds waited{};
  std::latch started(1);
  std::thread watcher([&] {
    started.count_down();
    const auto begin = steady_clock::now();
    watched = unwrap(watcher_store->watch("w/", 0, kLongWait));
    waited = steady_clock::now() - begin;
  });
  letWatcherStartWaiting(started);
  static_cast<void>(unwrap(writer_store->put("w/1", "v")));
  watcher.join();
  EXPECT_LT(waited, kWakeBound);
  ASSERT_EQ(watched.events.size(), 1U);
  EXPECT_EQ(watched.events[0].kv.key, "w/1");
}

TEST_F(SqliteStoreTest, CommitThroughSameInstanceWakesWatcherWithoutPolling) {
  SqliteStoreOptions options;
  options.poll_interval = std::chrono::minutes(1);  // a pass cannot come from polling
  const auto store = open(options);
  ASSERT_NE(store, nullptr);
  WatchResult watched;
  std::chrono::nanoseconds waited{};
  std::latch started(1);
  std::thread watcher([&] {
    started.count_down();
    const auto begin = steady_clock::now();
    watched = unwrap(store->watch("w/", 0, kLongWait));
    waited = steady_clock::now() - begin;
  });
  letWatcherStartWaiting(started);
  static_cast<void>(unwrap(store->put("w/1", "v")));
  watcher.join();
  EXPECT_LT(waited, kWakeBound);
  EXPECT_EQ(watched.events.size(), 1U);
}

TEST_F(SqliteStoreTest, MissingDirectoryIsAStoreErrorNamingTheFile) {
  const auto missing = dir_.path() / "no-such-dir" / "store.db";
  const auto store = SqliteStore::open(missing);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::kStore);
  EXPECT_NE(store.error().message.find(missing.string()), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, NonSqliteFileIsAStoreErrorNamingTheFile) {
  const auto garbage = dir_.path() / "garbage.db";
  {
    std::ofstream out(garbage, std::ios::binary);
    for (int i = 0; i < 512; ++i) {
      out << "this is not a database file\n";
    }
  }
  const auto store = SqliteStore::open(garbage);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::kStore);
  EXPECT_NE(store.error().message.find(garbage.string()), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("not a database"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, UnknownSchemaVersionIsAStoreError) {
  {
    auto db = sqlite_internal::openDatabase(file().string());
    ASSERT_TRUE(db.ok()) << db.error().toString();
    const Status done = sqlite_internal::execute(db->get(), file().string(),
                                                 "CREATE TABLE t (x); PRAGMA user_version = 99;");
    ASSERT_TRUE(done.ok()) << done.error().toString();
  }
  const auto store = SqliteStore::open(file());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::kStore);
  EXPECT_NE(store.error().message.find("unsupported schema version 99"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, ForeignDatabaseIsRefusedUntouched) {
  {
    auto db = sqlite_internal::openDatabase(file().string());
    ASSERT_TRUE(db.ok()) << db.error().toString();
    const Status done =
        sqlite_internal::execute(db->get(), file().string(), "CREATE TABLE accounts (name TEXT);");
    ASSERT_TRUE(done.ok()) << done.error().toString();
  }
  const auto store = SqliteStore::open(file());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::kStore);
  EXPECT_NE(store.error().message.find("not a holdfast store"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find(file().string()), std::string::npos)
      << store.error().message;
}

}  // namespace
}  // namespace holdfast::store
