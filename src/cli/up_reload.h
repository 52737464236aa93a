// Reloading a running `holdfast up` on SIGHUP: configuration and zone files, swapped in whole.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "cli/startup.h"
#include "common/result.h"
#include "config/config.h"
#include "control/control_plane.h"
#include "server/publisher.h"
#include "store/store.h"

namespace holdfast::cli {

// What the publisher serves for a loaded configuration: its zones (moved out of `loaded`), its
// endpoint names and its server identity.
[[nodiscard]] server::PublisherSources sourcesOf(Loaded& loaded);

// The parts of a running `holdfast up` that a reload replaces, and the configuration they run
// with. Used by the thread that waits for signals and by admin API requests that change
// endpoints, each holding `mutex` throughout.
struct UpState {
  std::mutex mutex;  // serializes reloads and endpoint changes
  std::string config_path;
  // As applied: restart-only settings keep their startup values; endpoints are the file's, then
  // those made through the admin API.
  config::Config config;
  std::set<std::string> api_endpoints;  // names of the endpoints made through the admin API
  store::Store* store = nullptr;
  server::Publisher* publisher = nullptr;
  std::unique_ptr<control::ControlPlane> control;
};

// Re-reads the configuration, every zone file and the endpoints made through the admin API
// (storedEndpoints()) and applies them. REQUIRES: state.mutex held.
// - zones, server.nsid/identity/version and the endpoint set go to the publisher, which builds
//   and swaps in one new snapshot (queries go on from the old one meanwhile, none is dropped);
// - endpoints and control settings, when changed, restart the control plane with the new ones
//   (as a restart of the process would): a new endpoint is published by the planner and the
//   enactors once its backends are checked, a removed one stops being served;
// - log.level and log.format apply at once;
// - data_dir, store.backend, server.listen and server.threads need a restart: a change is logged
//   as a warning and the running values stay.
// All or nothing: if anything fails to load or check, nothing changes, the old data stays
// served, and the error (naming file, line and field) is returned and logged.
[[nodiscard]] Status reloadUp(UpState& state);

}  // namespace holdfast::cli
