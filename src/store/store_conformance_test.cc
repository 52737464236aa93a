// Conformance tests: the same behaviour of the Store interface checked on every backend.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <latch>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/memory_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"
#include "store/temp_dir_internal.h"

namespace holdfast::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Generous bound for "a watch woke up": far below the watch's own max_wait, far above any
// scheduling delay, so that a pass means the wake-up worked and not that the wait ran out.
constexpr milliseconds kWakeBound{5000};
constexpr milliseconds kLongWait{20000};
constexpr std::size_t kDefaultHistory = 100000;

// Opens a backend whose data (if any) lives in `file`, keeping `history_limit` events.
using OpenFn = std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& file,
                                                            std::size_t history_limit)>;

struct Backend {
  std::string name;
  OpenFn open;
};

// Names the backend in test output instead of dumping its bytes.
void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

Result<std::unique_ptr<Store>> openMemory(const std::filesystem::path& /*file*/,
                                          std::size_t history_limit) {
  return std::unique_ptr<Store>(std::make_unique<MemoryStore>(history_limit));
}

Result<std::unique_ptr<Store>> openSqlite(const std::filesystem::path& file,
                                          std::size_t history_limit) {
  SqliteStoreOptions options;
  options.history_limit = history_limit;
  auto store = SqliteStore::open(file, options);
  if (!store.ok()) {
    return store.error();
  }
  return std::unique_ptr<Store>(std::move(*store));
}

// The value of a Result, or a test failure and a default value.
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

TxnRequest txnOf(std::vector<Compare> compares, std::vector<Op> success, std::vector<Op> failure) {
  return TxnRequest{std::move(compares), std::move(success), std::move(failure)};
}

Compare compareOf(std::string key, CompareTarget target, CompareOp op, std::int64_t number) {
  return Compare{std::move(key), target, op, {}, number};
}

std::vector<std::string> keysOf(const RangeResult& range) {
  std::vector<std::string> keys;
  for (const KeyValue& kv : range.kvs) {
    keys.push_back(kv.key);
  }
  return keys;
}

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "cannot create a temp dir";
    store_ = openStore("store.db", kDefaultHistory);
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<Store> openStore(const std::string& name, std::size_t history_limit) {
    auto store = GetParam().open(dir_.path() / name, history_limit);
    if (!store.ok()) {
      ADD_FAILURE() << store.error().toString();
      return nullptr;
    }
    return std::move(*store);
  }

  Revision put(const std::string& key, const std::string& value) {
    return unwrap(store_->put(key, value));
  }

  // Runs a transaction with one compare and one put in each branch; true if it succeeded.
  bool holds(const Compare& compare) {
    const TxnResult result =
        unwrap(store_->txn(txnOf({compare}, {Op::put("out", "yes")}, {Op::put("out", "no")})));
    const GetResult out = unwrap(store_->get("out"));
    EXPECT_TRUE(out.kv.has_value());
    EXPECT_EQ(out.kv.value_or(KeyValue{}).value, result.succeeded ? "yes" : "no");
    return result.succeeded;
  }

  test_support::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, EmptyStoreIsAtRevisionZero) {
  EXPECT_EQ(unwrap(store_->currentRevision()), 0);
  const GetResult got = unwrap(store_->get("missing"));
  EXPECT_FALSE(got.kv.has_value());
  EXPECT_EQ(got.revision, 0);
  EXPECT_TRUE(unwrap(store_->range("")).kvs.empty());
}

TEST_P(StoreConformanceTest, PutRaisesRevisionByExactlyOne) {
  EXPECT_EQ(put("a", "1"), 1);
  EXPECT_EQ(put("b", "2"), 2);
  EXPECT_EQ(put("a", "1"), 3);  // same value again is still a write
  EXPECT_EQ(unwrap(store_->currentRevision()), 3);
  EXPECT_EQ(unwrap(store_->get("b")).revision, 3);
}

TEST_P(StoreConformanceTest, TracksCreateModRevisionAndVersion) {
  put("a", "1");
  put("b", "x");
  put("a", "2");
  KeyValue a = unwrap(store_->get("a")).kv.value_or(KeyValue{});
  EXPECT_EQ(a.key, "a");
  EXPECT_EQ(a.value, "2");
  EXPECT_EQ(a.create_revision, 1);
  EXPECT_EQ(a.mod_revision, 3);
  EXPECT_EQ(a.version, 2);

  // Deleting and re-creating starts the bookkeeping over.
  EXPECT_EQ(unwrap(store_->del("a")), 4);
  EXPECT_FALSE(unwrap(store_->get("a")).kv.has_value());
  put("a", "3");
  a = unwrap(store_->get("a")).kv.value_or(KeyValue{});
  EXPECT_EQ(a.create_revision, 5);
  EXPECT_EQ(a.mod_revision, 5);
  EXPECT_EQ(a.version, 1);
}

TEST_P(StoreConformanceTest, KeepsBinaryKeysAndValues) {
  const std::string key("k\0\xff", 3);
  const std::string value("\0\x01\xfe", 3);
  put(key, value);
  put("empty", "");
  EXPECT_EQ(unwrap(store_->get(key)).kv.value_or(KeyValue{}).value, value);
  const auto empty = unwrap(store_->get("empty")).kv;
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->value, "");
  EXPECT_FALSE(unwrap(store_->get(std::string("k\0", 2))).kv.has_value());
}

TEST_P(StoreConformanceTest, RangeByPrefixIsSortedAndBounded) {
  const std::string nul_key("a/\0z", 4);
  for (const std::string& key :
       {std::string("b"), std::string("a/y"), std::string("a0"), std::string("a/\xff"),
        std::string("a"), nul_key, std::string("a/x"), std::string("a/"), std::string("a\xff"),
        std::string("a\xff\xff"), std::string("\xff\x01")}) {
    put(key, "v:" + key);
  }

  const RangeResult range = unwrap(store_->range("a/"));
  EXPECT_EQ(keysOf(range), (std::vector<std::string>{"a/", nul_key, "a/x", "a/y", "a/\xff"}));
  EXPECT_EQ(range.revision, 11);
  EXPECT_EQ(range.kvs.at(2).value, "v:a/x");

  EXPECT_EQ(keysOf(unwrap(store_->range("a\xff"))),
            (std::vector<std::string>{"a\xff", "a\xff\xff"}));
  EXPECT_EQ(keysOf(unwrap(store_->range("\xff"))), (std::vector<std::string>{"\xff\x01"}));
  EXPECT_EQ(keysOf(unwrap(store_->range("a/x"))), (std::vector<std::string>{"a/x"}));
  EXPECT_TRUE(unwrap(store_->range("a/z")).kvs.empty());

  const std::vector<std::string> all = keysOf(unwrap(store_->range("")));
  EXPECT_EQ(all.size(), 11U);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
}

TEST_P(StoreConformanceTest, DeleteOfAbsentKeyChangesNothing) {
  put("a", "1");
  EXPECT_EQ(unwrap(store_->del("missing")), 1);
  const TxnResult result = unwrap(store_->txn(txnOf({}, {Op::del("missing")}, {})));
  EXPECT_TRUE(result.succeeded);
  EXPECT_EQ(result.revision, 1);
  const TxnResult prefix = unwrap(store_->txn(txnOf({}, {Op::delPrefix("nothing/")}, {})));
  EXPECT_EQ(prefix.revision, 1);
  EXPECT_EQ(unwrap(store_->currentRevision()), 1);
  EXPECT_EQ(unwrap(store_->watch("", 1, milliseconds(0))).events.size(), 0U);
}

TEST_P(StoreConformanceTest, DeletePrefixRemovesExactlyThePrefixInOneRevision) {
  for (const char* key : {"p/2", "p/1", "p0", "p", "q", "p/3"}) {
    put(key, "v");
  }
  const TxnResult result = unwrap(store_->txn(txnOf({}, {Op::delPrefix("p/")}, {})));
  EXPECT_EQ(result.revision, 7);
  EXPECT_EQ(keysOf(unwrap(store_->range(""))), (std::vector<std::string>{"p", "p0", "q"}));

  const WatchResult events = unwrap(store_->watch("", 6, milliseconds(0)));
  ASSERT_EQ(events.events.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events.events[i].type, Event::Type::kDelete);
    EXPECT_EQ(events.events[i].kv.key, "p/" + std::to_string(i + 1));
    EXPECT_EQ(events.events[i].kv.mod_revision, 7);
  }
}

TEST_P(StoreConformanceTest, CompareOnValue) {
  put("k", "m");
  EXPECT_TRUE(holds(Compare::valueIs("k", "m")));
  EXPECT_FALSE(holds(Compare::valueIs("k", "n")));
  EXPECT_TRUE(holds(Compare{"k", CompareTarget::kValue, CompareOp::kNotEqual, "n", 0}));
  EXPECT_FALSE(holds(Compare{"k", CompareTarget::kValue, CompareOp::kNotEqual, "m", 0}));
  EXPECT_TRUE(holds(Compare{"k", CompareTarget::kValue, CompareOp::kLess, "z", 0}));
  EXPECT_FALSE(holds(Compare{"k", CompareTarget::kValue, CompareOp::kLess, "a", 0}));
  EXPECT_TRUE(holds(Compare{"k", CompareTarget::kValue, CompareOp::kGreater, "a", 0}));
  EXPECT_FALSE(holds(Compare{"k", CompareTarget::kValue, CompareOp::kGreater, "m", 0}));
  // A missing key matches no value comparison, not even "not equal".
  EXPECT_FALSE(holds(Compare{"missing", CompareTarget::kValue, CompareOp::kNotEqual, "x", 0}));
  EXPECT_FALSE(holds(Compare::valueIs("missing", "")));
}

TEST_P(StoreConformanceTest, CompareOnRevisionsAndVersion) {
  put("k", "1");
  put("k", "2");  // create 1, mod 2, version 2
  using enum CompareOp;
  EXPECT_TRUE(holds(Compare::modRevisionIs("k", 2)));
  EXPECT_FALSE(holds(Compare::modRevisionIs("k", 1)));
  EXPECT_TRUE(holds(compareOf("k", CompareTarget::kModRevision, kLess, 3)));
  EXPECT_FALSE(holds(compareOf("k", CompareTarget::kModRevision, kGreater, 2)));
  EXPECT_TRUE(holds(compareOf("k", CompareTarget::kModRevision, kNotEqual, 7)));
  EXPECT_TRUE(holds(compareOf("k", CompareTarget::kCreateRevision, kEqual, 1)));
  EXPECT_FALSE(holds(Compare::absent("k")));
  EXPECT_TRUE(holds(Compare::absent("missing")));
  EXPECT_TRUE(holds(Compare::modRevisionIs("missing", 0)));
  EXPECT_TRUE(holds(compareOf("k", CompareTarget::kVersion, kEqual, 2)));
  EXPECT_TRUE(holds(compareOf("k", CompareTarget::kVersion, kGreater, 1)));
  EXPECT_FALSE(holds(compareOf("k", CompareTarget::kVersion, kLess, 2)));
  EXPECT_TRUE(holds(compareOf("missing", CompareTarget::kVersion, kEqual, 0)));
}

TEST_P(StoreConformanceTest, SuccessBranchAppliesEveryOpAtOneRevision) {
  put("a", "old");
  put("b", "x");
  put("c/1", "x");
  put("c/2", "x");
  const TxnResult result = unwrap(store_->txn(
      txnOf({Compare::valueIs("a", "old"), Compare::absent("d")},
            {Op::put("a", "new"), Op::del("b"), Op::delPrefix("c/"), Op::put("d", "1")}, {})));
  EXPECT_TRUE(result.succeeded);
  EXPECT_EQ(result.revision, 5);
  const RangeResult all = unwrap(store_->range(""));
  EXPECT_EQ(keysOf(all), (std::vector<std::string>{"a", "d"}));
  for (const KeyValue& kv : all.kvs) {
    EXPECT_EQ(kv.mod_revision, 5);
  }
  EXPECT_EQ(unwrap(store_->watch("", 4, milliseconds(0))).events.size(), 5U);
}

TEST_P(StoreConformanceTest, FailedCompareAppliesOnlyTheFailureBranch) {
  put("a", "1");
  put("b", "1");
  const TxnResult failed = unwrap(store_->txn(
      txnOf({Compare::valueIs("a", "1"), Compare::valueIs("b", "2")},
            {Op::put("a", "success"), Op::put("b", "success")}, {Op::put("why", "b changed")})));
  EXPECT_FALSE(failed.succeeded);
  EXPECT_EQ(failed.revision, 3);
  EXPECT_EQ(unwrap(store_->get("a")).kv.value_or(KeyValue{}).value, "1");
  EXPECT_EQ(unwrap(store_->get("why")).kv.value_or(KeyValue{}).value, "b changed");

  // An empty failure branch writes nothing and leaves the revision alone.
  const TxnResult lost =
      unwrap(store_->txn(txnOf({Compare::modRevisionIs("a", 2)}, {Op::put("a", "success")}, {})));
  EXPECT_FALSE(lost.succeeded);
  EXPECT_EQ(lost.revision, 3);
  EXPECT_EQ(unwrap(store_->currentRevision()), 3);
}

TEST_P(StoreConformanceTest, ReadersSeeMultiKeyTransactionsWhole) {
  constexpr int kTotal = 100;
  ASSERT_TRUE(
      unwrap(store_->txn(txnOf(
                 {}, {Op::put("acct/a", std::to_string(kTotal)), Op::put("acct/b", "0")}, {})))
          .succeeded);
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int moved = 1; moved <= kTotal; ++moved) {
      static_cast<void>(unwrap(store_->txn(txnOf({},
                                                 {Op::put("acct/a", std::to_string(kTotal - moved)),
                                                  Op::put("acct/b", std::to_string(moved))},
                                                 {}))));
    }
    done = true;
  });

  int reads = 0;
  while (!done || reads == 0) {
    const RangeResult range = unwrap(store_->range("acct/"));
    if (range.kvs.size() != 2) {
      ADD_FAILURE() << "range saw " << range.kvs.size() << " keys";
      break;
    }
    EXPECT_EQ(std::stoi(range.kvs[0].value) + std::stoi(range.kvs[1].value), kTotal);
    EXPECT_EQ(range.kvs[0].mod_revision, range.kvs[1].mod_revision);
    EXPECT_EQ(range.kvs[0].mod_revision, range.revision);
    ++reads;
  }
  writer.join();
  EXPECT_EQ(unwrap(store_->get("acct/b")).kv.value_or(KeyValue{}).value, std::to_string(kTotal));
}

TEST_P(StoreConformanceTest, WatchReturnsEventsInOrder) {
  put("x", "before");
  const Revision start = unwrap(store_->currentRevision());
  put("a/1", "one");
  put("b/1", "other prefix");
  ASSERT_TRUE(
      unwrap(store_->txn(txnOf({}, {Op::put("a/2", "two"), Op::del("a/1")}, {}))).succeeded);
  put("a/2", "two again");

  const WatchResult watched = unwrap(store_->watch("a/", start, milliseconds(0)));
  EXPECT_EQ(watched.revision, start + 4);
  ASSERT_EQ(watched.events.size(), 4U);
  const auto& e = watched.events;
  EXPECT_EQ(e[0].type, Event::Type::kPut);
  EXPECT_EQ(e[0].kv.key, "a/1");
  EXPECT_EQ(e[0].kv.value, "one");
  EXPECT_EQ(e[0].kv.mod_revision, start + 1);
  EXPECT_EQ(e[1].type, Event::Type::kPut);
  EXPECT_EQ(e[1].kv.key, "a/2");
  EXPECT_EQ(e[1].kv.mod_revision, start + 3);
  EXPECT_EQ(e[2].type, Event::Type::kDelete);
  EXPECT_EQ(e[2].kv.key, "a/1");
  EXPECT_EQ(e[2].kv.mod_revision, start + 3);
  EXPECT_EQ(e[3].kv.value, "two again");
  EXPECT_EQ(e[3].kv.create_revision, start + 3);
  EXPECT_EQ(e[3].kv.version, 2);

  EXPECT_EQ(unwrap(store_->watch("a/", start + 3, milliseconds(0))).events.size(), 1U);
  EXPECT_EQ(unwrap(store_->watch("", start, milliseconds(0))).events.size(), 5U);
  EXPECT_EQ(unwrap(store_->watch("", 0, milliseconds(0))).events.size(), 6U);
}

TEST_P(StoreConformanceTest, WatchTimesOutWithoutEvents) {
  put("other/1", "v");
  const Revision now = unwrap(store_->currentRevision());
  const auto begin = steady_clock::now();
  const WatchResult watched = unwrap(store_->watch("", now, milliseconds(80)));
  EXPECT_GE(steady_clock::now() - begin, milliseconds(80));
  EXPECT_TRUE(watched.events.empty());
  EXPECT_EQ(watched.revision, now);

  // Events under another prefix do not end the wait either.
  const WatchResult filtered = unwrap(store_->watch("mine/", 0, milliseconds(20)));
  EXPECT_TRUE(filtered.events.empty());
  EXPECT_EQ(filtered.revision, now);
}

TEST_P(StoreConformanceTest, WatchWakesOnCommitFromAnotherThread) {
  put("w/0", "v");
  const Revision start = unwrap(store_->currentRevision());
  WatchResult watched;
  std::chrono::nanoseconds waited{};
  std::latch started(1);
  std::thread watcher([&] {
    started.count_down();
    const auto begin = steady_clock::now();
    watched = unwrap(store_->watch("w/", start, kLongWait));
    waited = steady_clock::now() - begin;
  });
  letWatcherStartWaiting(started);
  put("elsewhere", "not watched");
  put("w/1", "watched");
  watcher.join();

  EXPECT_LT(waited, kWakeBound);
  ASSERT_EQ(watched.events.size(), 1U);
  EXPECT_EQ(watched.events[0].kv.key, "w/1");
  EXPECT_EQ(watched.events[0].kv.mod_revision, start + 2);
}

TEST_P(StoreConformanceTest, WatchBeyondHistoryReturnsCompacted) {
  const std::unique_ptr<Store> store = openStore("small.db", 3);
  ASSERT_NE(store, nullptr);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_EQ(unwrap(store->put("c/" + std::to_string(i), "v")), i);
  }
  // Events of revisions 3..5 remain: watching from 2 works, from before it does not.
  for (const Revision after : {0, 1}) {
    const auto watched = store->watch("", after, milliseconds(0));
    ASSERT_FALSE(watched.ok());
    EXPECT_EQ(watched.error().code, Errc::kCompacted);
  }
  EXPECT_EQ(unwrap(store->watch("c/", 2, milliseconds(0))).events.size(), 3U);

  // The recovery the interface prescribes: range, then watch from the range's revision.
  const RangeResult range = unwrap(store->range("c/"));
  EXPECT_EQ(range.kvs.size(), 5U);
  const WatchResult watched = unwrap(store->watch("c/", range.revision, milliseconds(0)));
  EXPECT_TRUE(watched.events.empty());
  EXPECT_EQ(watched.revision, 5);
}

TEST_P(StoreConformanceTest, ConcurrentCompareAndSwapLosesNoIncrement) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 200;
  // Bound on retries per thread: contention makes some CAS fail, but never this many.
  constexpr int kMaxAttempts = 200000;
  std::vector<std::vector<Revision>> revisions(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int attempts = 0;
      while (static_cast<int>(revisions[t].size()) < kIncrements && ++attempts < kMaxAttempts) {
        const GetResult got = unwrap(store_->get("counter"));
        const int value = got.kv ? std::stoi(got.kv->value) : 0;
        const Revision seen = got.kv ? got.kv->mod_revision : 0;
        const TxnResult result =
            unwrap(store_->txn(txnOf({Compare::modRevisionIs("counter", seen)},
                                     {Op::put("counter", std::to_string(value + 1))}, {})));
        if (result.succeeded) {
          revisions[t].push_back(result.revision);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  std::set<Revision> distinct;
  for (const auto& mine : revisions) {
    EXPECT_EQ(mine.size(), static_cast<std::size_t>(kIncrements));
    distinct.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kIncrements));
  const GetResult counter = unwrap(store_->get("counter"));
  EXPECT_EQ(counter.kv.value_or(KeyValue{}).value, std::to_string(kThreads * kIncrements));
  EXPECT_EQ(counter.kv.value_or(KeyValue{}).version, kThreads * kIncrements);
  EXPECT_EQ(counter.revision, kThreads * kIncrements);
}

TEST_P(StoreConformanceTest, RaceToCreateAnAbsentKeyHasOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = "leader/" + std::to_string(round);
    std::latch start(kThreads);
    std::vector<int> won(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        won[t] = unwrap(store_->txn(
                            txnOf({Compare::absent(key)}, {Op::put(key, std::to_string(t))}, {})))
                     .succeeded;
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    ASSERT_EQ(std::count(won.begin(), won.end(), 1), 1) << key;
    const int winner = static_cast<int>(std::find(won.begin(), won.end(), 1) - won.begin());
    const KeyValue kv = unwrap(store_->get(key)).kv.value_or(KeyValue{});
    EXPECT_EQ(kv.value, std::to_string(winner));
    EXPECT_EQ(kv.version, 1);
  }
  EXPECT_EQ(unwrap(store_->currentRevision()), kRounds);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         StoreConformanceTest,
                         ::testing::Values(Backend{"Memory", openMemory},
                                           Backend{"Sqlite", openSqlite}),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace holdfast::store
