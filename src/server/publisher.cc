// Publisher: store → snapshot, on every change of `published/`.
#include "server/publisher.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace holdfast::server {

namespace {

// How long one watch call blocks; bounds how late stop() is noticed.
constexpr std::chrono::milliseconds kWatchWait{200};

// Reads of two prefixes are retried until both saw the same store revision; after this many
// tries the last pair is used (a busy store only delays consistency to the next publish).
constexpr int kMaxConsistentReadTries = 8;

// RFC 1982 section 3.1: one serial addition may add at most 2^31 - 1.
constexpr std::uint32_t kMaxSerialStep = 0x7fffffff;

}  // namespace

Publisher::Publisher(store::Store& store,
                     std::vector<dns::ZoneContents> zones,
                     std::set<std::string> endpoints,
                     zone::SnapshotHolder& holder)
    : Publisher(store, PublisherSources{std::move(zones), std::move(endpoints), {}}, holder) {}

Publisher::Publisher(store::Store& store, PublisherSources sources, zone::SnapshotHolder& holder)
    : store_(store), holder_(holder), sources_(std::move(sources)) {}

Publisher::~Publisher() {
  stop();
}

Result<Publisher::StoreView> Publisher::readConsistent() {
  StoreView view;
  for (int attempt = 0; attempt < kMaxConsistentReadTries; ++attempt) {
    auto published = store_.range(control::kPublishedPrefix);
    if (!published.ok()) {
      return published.error();
    }
    auto serials = store_.range(control::kZonesPrefix);
    if (!serials.ok()) {
      return serials.error();
    }
    view = StoreView{std::move(published->kvs), std::move(serials->kvs), serials->revision};
    if (published->revision == serials->revision) {
      break;
    }
  }
  return view;
}

Status Publisher::addPublished(const store::KeyValue& kv, zone::SnapshotBuilder& builder) {
  const std::string endpoint = kv.key.substr(control::kPublishedPrefix.size());
  if (!sources_.endpoints.contains(endpoint)) {
    // Not configured (any more): never served, so removing an endpoint withdraws it.
    if (ignored_.insert(endpoint).second) {
      log_.warn("published record of an unconfigured endpoint ignored",
                {{"endpoint.name", endpoint}});
    }
    return okStatus();
  }
  const auto decoded = decoded_at_.find(endpoint);
  if (decoded != decoded_at_.end() && decoded->second == kv.mod_revision &&
      last_good_.contains(endpoint)) {
    // Unchanged since it was last decoded.
  } else if (auto record = control::decodePublished(kv.value); record.ok()) {
    last_good_[endpoint] = *record;
    decoded_at_[endpoint] = kv.mod_revision;
  } else {
    log_.error("published record unreadable, serving the last good one",
               {{"endpoint.name", endpoint}, {"error.message", record.error().message}});
  }
  const auto good = last_good_.find(endpoint);
  if (good == last_good_.end()) {
    return okStatus();
  }
  const control::PublishedRecord& r = good->second;
  return builder.setAddresses(endpoint, r.rrtype, r.ttl, r.addresses);
}

Result<store::Revision> Publisher::publishOnce() {
  const std::lock_guard lock(mutex_);
  return publishLocked();
}

Result<store::Revision> Publisher::reconfigure(PublisherSources next) {
  const std::lock_guard lock(mutex_);
  PublisherSources previous = std::exchange(sources_, std::move(next));
  ignored_.clear();  // a name configured again, then removed again, is logged again
  auto revision = publishLocked();
  if (!revision.ok()) {
    sources_ = std::move(previous);
  }
  return revision;
}

Result<store::Revision> Publisher::publishLocked() {
  auto view = readConsistent();
  if (!view.ok()) {
    return view.error();
  }
  published_.clear();
  serials_.clear();
  for (store::KeyValue& kv : view->published) {
    std::string key = kv.key;
    published_.emplace(std::move(key), std::move(kv));
  }
  for (store::KeyValue& kv : view->serials) {
    std::string key = kv.key;
    serials_.emplace(std::move(key), std::move(kv));
  }
  copy_valid_ = true;
  return buildLocked(view->revision);
}

Result<bool> Publisher::follow(const store::WatchResult& watched) {
  const std::lock_guard lock(mutex_);
  const store::Revision seen = revision_.load();
  bool changed = false;
  for (const store::Event& event : watched.events) {
    // Events a full read made since the watch began already reflects are skipped.
    if (event.kv.mod_revision <= seen) {
      continue;
    }
    std::map<std::string, store::KeyValue>* copy = nullptr;
    if (store::hasPrefix(event.kv.key, control::kPublishedPrefix)) {
      copy = &published_;
    } else if (store::hasPrefix(event.kv.key, control::kZonesPrefix)) {
      copy = &serials_;
    } else {
      continue;
    }
    changed = true;
    if (!copy_valid_) {
      continue;
    }
    if (event.type == store::Event::Type::kDelete) {
      copy->erase(event.kv.key);
    } else {
      (*copy)[event.kv.key] = event.kv;
    }
  }
  if (!changed) {
    revision_.store(std::max(seen, watched.revision));
    return false;
  }
  if (!copy_valid_) {
    auto published = publishLocked();
    if (!published.ok()) {
      return published.error();
    }
    return true;
  }
  auto built = buildLocked(std::max(seen, watched.revision));
  if (!built.ok()) {
    return built.error();
  }
  return true;
}

// Limitation: the snapshot is built whole from the copy (static zones cloned, every name added),
// so a change still costs O(endpoints) here, though no store reads or decoding.
Result<store::Revision> Publisher::buildLocked(store::Revision revision) {
  zone::SnapshotBuilder builder;
  if (auto s = builder.setServerIdentity(sources_.identity); !s.ok()) {
    return s.error();
  }
  for (const dns::ZoneContents& contents : sources_.zones) {
    auto copy = contents.clone();
    if (!copy.ok()) {
      return copy.error();
    }
    if (auto s = builder.addZone(std::move(copy).value()); !s.ok()) {
      return s.error();
    }
  }

  std::size_t endpoints = 0;
  for (const auto& [key, kv] : published_) {
    if (auto s = addPublished(kv, builder); !s.ok()) {
      // A record for a zone we do not serve, or one the builder refuses: serve the rest.
      log_.warn("published record not served",
                {{"store.key", kv.key}, {"error.message", s.error().message}});
      continue;
    }
    if (sources_.endpoints.contains(kv.key.substr(control::kPublishedPrefix.size()))) {
      ++endpoints;
    }
  }

  for (const auto& [key, kv] : serials_) {
    constexpr std::string_view kSuffix = "/serial";
    if (kv.key.size() <= control::kZonesPrefix.size() + kSuffix.size() ||
        kv.key.substr(kv.key.size() - kSuffix.size()) != kSuffix) {
      continue;
    }
    const std::string zone =
        kv.key.substr(control::kZonesPrefix.size(),
                      kv.key.size() - control::kZonesPrefix.size() - kSuffix.size());
    auto serial = control::decodeSerial(kv.value);
    if (!serial.ok()) {
      log_.error("zone serial unreadable",
                 {{"zone.name", zone}, {"error.message", serial.error().message}});
      continue;
    }
    // Serial arithmetic is modulo 2^32, added in steps RFC 1982 allows.
    auto offset = static_cast<std::uint32_t>(serial->serial_offset & 0xffffffffULL);
    while (offset > 0) {
      const std::uint32_t step = std::min(offset, kMaxSerialStep);
      if (auto s = builder.addSerialOffset(zone, step); !s.ok()) {
        log_.warn("zone serial not applied",
                  {{"zone.name", zone}, {"error.message", s.error().message}});
        break;
      }
      offset -= step;
    }
  }

  auto snapshot = builder.build();
  if (!snapshot.ok()) {
    return snapshot.error();
  }
  holder_.store(std::move(snapshot).value());
  revision_ = revision;
  log_.info("snapshot published", {{"store.revision", revision},
                                   {"zone.count", sources_.zones.size()},
                                   {"endpoint.count", endpoints}});
  return revision;
}

void Publisher::start() {
  stopping_.store(false);
  thread_ = std::thread([this] { run(); });
}

void Publisher::stop() noexcept {
  stopping_.store(true);
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Publisher::run() {
  while (!stopping_.load()) {
    // One watch of everything, filtered in follow(): published/ and zones/ change together.
    auto events = store_.watch("", revision_.load(), kWatchWait);
    if (!events.ok() && events.error().code != Errc::kCompacted) {
      log_.error("watch failed", {{"error.message", events.error().message}});
      std::this_thread::sleep_for(kWatchWait);
      continue;
    }
    if (events.ok() && events->events.empty()) {
      continue;
    }
    // New events patch the copy; history compacted away: read everything again.
    Status published = okStatus();
    if (events.ok()) {
      if (auto followed = follow(*events); !followed.ok()) {
        published = followed.error();
      }
    } else if (auto read = publishOnce(); !read.ok()) {
      published = read.error();
    }
    if (!published.ok()) {
      log_.error("publish failed, keeping the previous snapshot",
                 {{"error.message", published.error().message}});
      std::this_thread::sleep_for(kWatchWait);
    }
  }
}

}  // namespace holdfast::server
