// Loading a snapshot from zone files: origin, contents and checks of each file, then one build.
#include "zone/file_loader.h"

#include <utility>

#include "dns/zone_file.h"
#include "zone/snapshot_builder.h"

namespace holdfast::zone {

Result<LoadedSnapshot> loadZoneFiles(const std::vector<std::filesystem::path>& files,
                                     const ServerIdentity& identity) {
  SnapshotBuilder builder;
  if (Status status = builder.setServerIdentity(identity); !status.ok()) {
    return makeError(Errc::kConfig, status.error().message);
  }

  LoadedSnapshot loaded;
  for (const std::filesystem::path& file : files) {
    auto origin = dns::findZoneOrigin(file);
    if (!origin.ok()) {
      return origin.error();
    }
    for (const LoadedZone& earlier : loaded.zones) {
      if (earlier.origin == *origin) {
        return makeError(Errc::kConfig, file.string() + ": zone " + origin->toText() +
                                            " is already loaded from " + earlier.file.string());
      }
    }
    auto contents = dns::loadZoneFile(file, *origin);
    if (!contents.ok()) {
      return contents.error();
    }
    LoadedZone zone{file, *origin, contents->soa.soaSerial(), contents->rrsets.size() + 1};
    if (Status status = builder.addZone(std::move(contents).value()); !status.ok()) {
      return makeError(status.error().code, file.string() + ": " + status.error().message);
    }
    loaded.zones.push_back(std::move(zone));
  }

  auto snapshot = builder.build();
  if (!snapshot.ok()) {
    return snapshot.error();
  }
  loaded.snapshot = std::move(snapshot).value();
  return loaded;
}

}  // namespace holdfast::zone
