// The admin API of `holdfast up`: its listener and metrics, and the admin.json file in data_dir
// that tells the CLI where to find it.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "admin/endpoint_editor.h"
#include "admin/http_listener.h"
#include "admin/metrics.h"
#include "common/result.h"
#include "config/config.h"
#include "server/server.h"
#include "store/store.h"

namespace holdfast::cli {

// A running admin API. Destroy it before the store it reads.
struct UpAdmin {
  admin::MetricsRegistry metrics;
  std::unique_ptr<admin::HttpListener> listener;  // stopped before `metrics` goes
  std::filesystem::path info_file;                // data_dir/admin.json, removed at stop()

  // Stops the listener and removes admin.json. Idempotent.
  void stop() noexcept;

  ~UpAdmin() { stop(); }
};

// Where a running `holdfast up` tells the CLI its admin address and token file.
[[nodiscard]] std::filesystem::path adminInfoPath(const std::filesystem::path& data_dir);

// The token file of `config`: admin.token_file, or data_dir/admin.token.
[[nodiscard]] std::filesystem::path tokenFilePath(const config::Config& config);

// Publishes `config`'s endpoints and zones to the admin API (at start, after a reload and after
// an endpoint change); `api_endpoints` names those made through the API.
void publishAdminView(const config::Config& config, const std::set<std::string>& api_endpoints);

// With config.admin.enabled: reads the token file, binds config.admin.listen (port 0
// picks one, logged as "admin listening") and serves the API, the dashboard, /metrics (with
// `dns`'s query counters), /healthz and /readyz; writes admin.json. Returns nullptr when
// disabled. `store` and `dns` must outlive the result; `editor` (borrowed, may be null) serves
// the endpoint write routes. Errors: kConfig for a token file that is unsafe or malformed, kIo
// when the address cannot be bound or a file written.
[[nodiscard]] Result<std::unique_ptr<UpAdmin>> startUpAdmin(
    const config::Config& config,
    const std::set<std::string>& api_endpoints,
    store::Store& store,
    const server::Server& dns,
    admin::EndpointEditor* editor);

}  // namespace holdfast::cli
