// Loading a snapshot straight from zone files, for `holdfast serve` and its reloads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/result.h"
#include "dns/name.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

// What one zone file contributed to a snapshot, for logs.
struct LoadedZone {
  std::filesystem::path file;
  dns::Name origin;
  std::uint32_t serial = 0;
  std::size_t rrsets = 0;  // the SOA included
};

struct LoadedSnapshot {
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<LoadedZone> zones;  // in the order of the files
};

// Reads each file as one zone, its origin taken from the file itself (dns::findZoneOrigin: a
// $ORIGIN before the SOA or the SOA's owner), checks it as dns::loadZoneFile does and builds a
// snapshot that carries `identity`. All or nothing: the first problem is returned and no
// snapshot is built. Errors name the file and, where there is one, the line: those of
// findZoneOrigin and loadZoneFile, and kConfig "b.zone: zone example.test. is already loaded
// from a.zone" when two files hold the same zone. Safe to call from any thread; it touches no
// shared state.
[[nodiscard]] Result<LoadedSnapshot> loadZoneFiles(const std::vector<std::filesystem::path>& files,
                                                   const ServerIdentity& identity);

}  // namespace holdfast::zone
