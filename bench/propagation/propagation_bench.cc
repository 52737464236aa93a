// Plan propagation latency at scale: how long after a backend's health record changes in the
// store does the answer for its endpoint change?
//
// The driver runs the control plane's real pieces in one process against a real SQLite store
// (the backend `holdfast up` uses): one Planner thread, three Enactor threads and the Publisher
// thread, with N endpoints (default 10,000) of two backends each in one zone. Health records are
// written by the driver in the health checker's place (its probing interval and rise/fall
// counts are configuration, not propagation). The store starts as a running control plane
// leaves it: every endpoint healthy, planned and published. Each sample is:
//
//   t0: the driver commits health/<endpoint>/<address> (healthy flips)
//   ... planner pass, plans/<e>/<generation> + latest, enactor publish, publisher rebuild
//   t1: zone::answerQuery on the holder's current snapshot, as a worker thread would run it,
//       returns the new number of addresses (polled every 200 microseconds)
//
// Output, one TSV line on stdout: endpoints samples start_s p50_ms p90_ms max_ms (start_s:
// from starting the actors to every endpoint served).
//
//   propagation_bench [--endpoints N] [--samples K] [--dir DIR]
//
// Samples come in pairs (a backend goes down, then back up), so an odd K is rounded up.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/clock.h"
#include "common/log.h"
#include "control/enactor.h"
#include "control/endpoint.h"
#include "control/planner.h"
#include "control/records.h"
#include "dns/name.h"
#include "dns/zone_file.h"
#include "server/publisher.h"
#include "store/sqlite_store.h"
#include "zone/answer.h"
#include "zone/snapshot_holder.h"

namespace {

using namespace holdfast;
using SteadyClock = std::chrono::steady_clock;

constexpr char kZone[] = "bench.test.";
constexpr int kEnactors = 3;
constexpr std::size_t kBatch = 100;  // operations per seeding transaction (etcd allows 128)
constexpr auto kPollInterval = std::chrono::microseconds(200);
constexpr auto kWaitLimit = std::chrono::seconds(120);  // bound on any one wait

struct Options {
  int endpoints = 10000;
  int samples = 20;
  std::filesystem::path dir;
};

int parsePositive(const char* flag, const char* text) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1 || value > 1000000) {
    std::fprintf(stderr, "propagation_bench: %s: expected 1..1000000, got \"%s\"\n", flag, text);
    std::exit(2);
  }
  return static_cast<int>(value);
}

Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "propagation_bench: %s needs a value\n", flag.c_str());
      std::exit(2);
    }
    const char* value = argv[++i];
    if (flag == "--endpoints") {
      options.endpoints = parsePositive("--endpoints", value);
    } else if (flag == "--samples") {
      options.samples = parsePositive("--samples", value);
    } else if (flag == "--dir") {
      options.dir = value;
    } else {
      std::fprintf(stderr, "propagation_bench: unknown option %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return options;
}

std::string endpointName(int i) {
  return fmt::format("e{}.bench.test.", i);
}

std::string backendAddress(int i, int backend) {
  return fmt::format("127.{}.{}.{}", 1 + backend, (i / 256) % 256, i % 256);
}

std::vector<control::EndpointConfig> makeEndpoints(int count) {
  std::vector<control::EndpointConfig> endpoints;
  endpoints.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    control::EndpointConfig endpoint;
    endpoint.name = endpointName(i);
    endpoint.zone = kZone;
    endpoint.ttl_seconds = 5;
    endpoint.backends = {{backendAddress(i, 0)}, {backendAddress(i, 1)}};
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

// A wire-format A query for `name` (lowercase, trailing dot), ID 1, no flags.
std::vector<std::uint8_t> makeQuery(const std::string& name) {
  std::vector<std::uint8_t> query = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t dot = name.find('.', start);
    query.push_back(static_cast<std::uint8_t>(dot - start));
    query.insert(query.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                 name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  query.insert(query.end(), {0, 0, 1, 0, 1});
  return query;
}

// The number of answer records the current snapshot gives `query`, or -1 without an answer.
int answerCount(const zone::SnapshotHolder& holder, const std::vector<std::uint8_t>& query) {
  std::array<std::uint8_t, 512> out{};
  const auto snapshot = holder.load();
  const std::size_t length = zone::answerQuery(*snapshot, query, out, zone::Transport::kUdp);
  if (length < 12 || (out[3] & 0x0f) != 0) {
    return -1;
  }
  return (out[6] << 8) | out[7];
}

// Polls until the answer to `query` has `want` records; false after kWaitLimit.
bool waitForCount(const zone::SnapshotHolder& holder,
                  const std::vector<std::uint8_t>& query,
                  int want) {
  const auto deadline = SteadyClock::now() + kWaitLimit;
  while (answerCount(holder, query) != want) {
    if (SteadyClock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

Status putHealth(store::Store& store,
                 const std::string& endpoint,
                 const std::string& address,
                 bool healthy) {
  control::HealthRecord record;
  record.healthy = healthy;
  record.checked_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  record.reason = healthy ? "bench: up" : "bench: down";
  auto put = store.put(control::healthKey(endpoint, address), control::encodeHealth(record));
  if (!put.ok()) {
    return put.error();
  }
  return {};
}

// The store as a running control plane leaves it: every backend healthy, and per endpoint plan
// generation 1 with both addresses, the latest pointer and the published record, written in
// transactions of at most kBatch operations.
Status seedStore(store::Store& store, const std::vector<control::EndpointConfig>& endpoints) {
  const control::HealthRecord health{true, 0, "bench: up"};
  store::TxnRequest batch;
  const auto flush = [&]() -> Status {
    if (batch.success.empty()) {
      return {};
    }
    auto result = store.txn(batch);
    batch.success.clear();
    if (!result.ok()) {
      return result.error();
    }
    return {};
  };
  for (const auto& endpoint : endpoints) {
    std::vector<std::string> addresses;
    for (const auto& backend : endpoint.backends) {
      batch.success.push_back(store::Op::put(control::healthKey(endpoint.name, backend.address),
                                             control::encodeHealth(health)));
      addresses.push_back(backend.address);
    }
    std::sort(addresses.begin(), addresses.end());
    control::Plan plan;
    plan.generation = 1;
    plan.endpoint = endpoint.name;
    plan.rrtype = endpoint.rrtype;
    plan.ttl = endpoint.ttl_seconds;
    plan.addresses = addresses;
    plan.created_by = "bench-seed";
    control::PublishedRecord published;
    published.generation = 1;
    published.zone = endpoint.zone;
    published.rrtype = endpoint.rrtype;
    published.ttl = endpoint.ttl_seconds;
    published.addresses = addresses;
    published.applied_by = "bench-seed";
    batch.success.push_back(
        store::Op::put(control::planKey(endpoint.name, 1), control::encodePlan(plan)));
    batch.success.push_back(store::Op::put(control::latestKey(endpoint.name),
                                           control::encodeLatest(control::LatestRecord{1})));
    batch.success.push_back(
        store::Op::put(control::publishedKey(endpoint.name), control::encodePublished(published)));
    if (batch.success.size() + 5 > kBatch) {
      if (Status flushed = flush(); !flushed.ok()) {
        return flushed;
      }
    }
  }
  return flush();
}

double millisSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

int fail(const std::string& what) {
  std::fprintf(stderr, "propagation_bench: %s\n", what.c_str());
  return 1;
}

int run(const Options& options, const std::filesystem::path& dir) {
  auto store = store::SqliteStore::open(dir / "holdfast.db");
  if (!store.ok()) {
    return fail(store.error().message);
  }
  auto origin = dns::Name::fromText(kZone);
  if (!origin.ok()) {
    return fail(origin.error().message);
  }
  auto zone = dns::parseZoneText(
      "$TTL 3600\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n",
      *origin, "bench.test.zone");
  if (!zone.ok()) {
    return fail(zone.error().message);
  }
  const auto endpoints = makeEndpoints(options.endpoints);
  std::set<std::string> names;
  for (const auto& endpoint : endpoints) {
    names.insert(endpoint.name);
  }
  std::vector<dns::ZoneContents> zones;
  zones.push_back(std::move(*zone));

  if (Status seeded = seedStore(**store, endpoints); !seeded.ok()) {
    return fail(seeded.error().message);
  }

  zone::SnapshotHolder holder;
  server::Publisher publisher(**store, std::move(zones), names, holder);
  control::Planner planner(**store, endpoints);
  std::vector<std::unique_ptr<control::Enactor>> enactors;
  for (int i = 1; i <= kEnactors; ++i) {
    enactors.push_back(std::make_unique<control::Enactor>(fmt::format("enactor-{}", i), **store,
                                                          endpoints, control::EnactorOptions{},
                                                          SystemClock::instance()));
  }

  // Start: the first snapshot from the seeded store, every endpoint served with both addresses.
  const auto cold_start = SteadyClock::now();
  if (auto first = publisher.publishOnce(); !first.ok()) {
    return fail(first.error().message);
  }
  publisher.start();
  planner.start();
  for (auto& enactor : enactors) {
    enactor->start();
  }
  for (int i = options.endpoints - 1; i >= 0; --i) {
    if (!waitForCount(holder, makeQuery(endpointName(i)), 2)) {
      return fail(fmt::format("{} never served both addresses", endpointName(i)));
    }
  }
  const double cold_seconds = millisSince(cold_start) / 1000;

  // Samples: flip one backend of a random endpoint down, then up again; each flip is a sample.
  std::mt19937 random(7);
  std::uniform_int_distribution<int> pick(0, options.endpoints - 1);
  std::vector<double> samples;
  for (int s = 0; s < options.samples; ++s) {
    const int i = pick(random);
    const bool healthy = s % 2 == 1;
    const auto query = makeQuery(endpointName(i));
    const auto start = SteadyClock::now();
    if (Status put = putHealth(**store, endpointName(i), backendAddress(i, 0), healthy);
        !put.ok()) {
      return fail(put.error().message);
    }
    if (!waitForCount(holder, query, healthy ? 2 : 1)) {
      return fail(fmt::format("the answer for {} did not change", endpointName(i)));
    }
    samples.push_back(millisSince(start));
    if (healthy) {
      continue;
    }
    // Keep the endpoint for the next (healthy) sample.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto back = SteadyClock::now();
    if (Status put = putHealth(**store, endpointName(i), backendAddress(i, 0), true); !put.ok()) {
      return fail(put.error().message);
    }
    if (!waitForCount(holder, query, 2)) {
      return fail(fmt::format("the answer for {} did not change back", endpointName(i)));
    }
    samples.push_back(millisSince(back));
    ++s;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  for (auto& enactor : enactors) {
    enactor->stop();
  }
  planner.stop();
  publisher.stop();

  std::sort(samples.begin(), samples.end());
  const auto at = [&](double q) {
    return samples[std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()))];
  };
  std::printf("%d\t%zu\t%.2f\t%.1f\t%.1f\t%.1f\n", options.endpoints, samples.size(), cold_seconds,
              at(0.5), at(0.9), samples.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  log::configure(log::Level::kError, log::Format::kJson);
  std::filesystem::path dir = options.dir;
  bool remove_dir = false;
  if (dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "propagation.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return fail("cannot create a temporary directory");
    }
    dir = tmpl;
    remove_dir = true;
  }
  const int status = run(options, dir);
  if (remove_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  return status;
}
