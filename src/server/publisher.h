// Publisher: turns the store's published endpoints and zone serials into immutable snapshots.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "control/records.h"
#include "dns/zone_contents.h"
#include "store/store.h"
#include "zone/snapshot_builder.h"
#include "zone/snapshot_holder.h"

namespace holdfast::server {

// What the publisher serves besides the store: the static zones, cloned into every snapshot;
// the managed names ("api.example.test.") that may be served, so that a published record of any
// other name (an endpoint removed from the configuration, a row added by hand) is ignored; and
// the server's NSID and CHAOS answers.
struct PublisherSources {
  std::vector<dns::ZoneContents> zones;
  std::set<std::string> endpoints;
  zone::ServerIdentity identity;
};

// The DNS server is a pure function of the store: static zones from files, plus every
// `published/<endpoint>` (addresses inline, S4) and `zones/<zone>/serial`. The publisher
// rebuilds a snapshot off the answer path whenever `published/` or `zones/` changes and swaps it
// into the holder; queries never wait for it. It keeps a copy of both prefixes, read in full by
// publishOnce() and reconfigure() (and after a compacted watch), then patched from the watch's
// events, so a change costs a read and a decode of the changed records only.
//
// Thread-safety: publishOnce() and reconfigure() may be called while the background thread runs
// (one publish at a time, under a mutex); start() and stop() are called by the owner only.
class Publisher {
public:
  // `zones` are the static zone contents, cloned into every snapshot; `endpoints` the managed
  // names ("api.example.test.") that may be served: a published record of any other name (an
  // endpoint removed from the configuration, a row added by hand) is ignored. `store` and
  // `holder` must outlive the publisher.
  Publisher(store::Store& store,
            std::vector<dns::ZoneContents> zones,
            std::set<std::string> endpoints,
            zone::SnapshotHolder& holder);

  // The same with a server identity too.
  Publisher(store::Store& store, PublisherSources sources, zone::SnapshotHolder& holder);
  ~Publisher();

  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Reads the store once, builds a snapshot and swaps it in. Returns the store revision it
  // reflects. Errors come from the store or from building (the previous snapshot stays).
  [[nodiscard]] Result<store::Revision> publishOnce();

  // Replaces the sources (a configuration reload) and publishes once with them, so that the
  // new zones are served when it returns. On an error (store, or a snapshot that does not build)
  // the previous sources stay, and so does the snapshot being served. Returns the revision.
  [[nodiscard]] Result<store::Revision> reconfigure(PublisherSources next);

  // Watches the store and republishes after each change of `published/` or `zones/`, on a
  // thread of its own.
  void start();

  // Stops and joins the thread. Idempotent.
  void stop() noexcept;

private:
  struct StoreView {
    std::vector<store::KeyValue> published;
    std::vector<store::KeyValue> serials;
    store::Revision revision = 0;
  };

  [[nodiscard]] Result<StoreView> readConsistent();
  [[nodiscard]] Result<store::Revision> publishLocked();
  // Builds and swaps in a snapshot of the copy, which reflects `revision`.
  [[nodiscard]] Result<store::Revision> buildLocked(store::Revision revision);
  // Patches the copy with the watch's events and publishes if one concerned it (or reads
  // everything if there is no copy yet). Returns false if nothing was published.
  [[nodiscard]] Result<bool> follow(const store::WatchResult& watched);
  [[nodiscard]] Status addPublished(const store::KeyValue& kv, zone::SnapshotBuilder& builder);
  void run();

  store::Store& store_;
  zone::SnapshotHolder& holder_;

  // One publish at a time; guards the sources, ignored_, last_good_ and revision_.
  std::mutex mutex_;
  PublisherSources sources_;
  std::set<std::string> ignored_;  // unconfigured names already logged
  const log::Logger log_{"server.publisher"};

  // The last record that decoded, per endpoint: a corrupted published record keeps serving the
  // last good addresses instead of none (S1).
  std::map<std::string, control::PublishedRecord> last_good_;
  // endpoint -> the mod_revision of the record last_good_ holds: an unchanged record is not
  // decoded again.
  std::map<std::string, store::Revision> decoded_at_;

  // published/ and zones/ as of revision_ (key -> key-value), valid after a full read.
  std::map<std::string, store::KeyValue> published_;
  std::map<std::string, store::KeyValue> serials_;
  bool copy_valid_ = false;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::atomic<store::Revision> revision_{0};  // written under mutex_, read by the watch loop
  // (the revision the snapshot and the copy reflect)
};

}  // namespace holdfast::server
