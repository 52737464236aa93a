// Starting the admin API of `holdfast up`.
#include "cli/up_admin.h"

#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "admin/api_server.h"
#include "admin/dns_metrics.h"
#include "admin/token.h"
#include "admin/up_metrics.h"
#include "cli/commands.h"
#include "control/status_board.h"

namespace holdfast::cli {

namespace {

// The view every request thread of this process reads; replaced whole by publishAdminView().
admin::ViewHolder& processView() {
  static admin::ViewHolder view;
  return view;
}

Status writeInfo(const std::filesystem::path& path,
                 const std::string& address,
                 const std::filesystem::path& token_file) {
  const nlohmann::json info = {{"address", address},
                               {"token_file", std::filesystem::absolute(token_file).string()},
                               {"pid", ::getpid()}};
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << info.dump(2) << "\n";
    if (!out) {
      return makeError(Errc::kIo, temporary.string() + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    return makeError(Errc::kIo, path.string() + ": " + ec.message());
  }
  return okStatus();
}

}  // namespace

void UpAdmin::stop() noexcept {
  if (listener) {
    listener->stop();
  }
  if (!info_file.empty()) {
    std::error_code ec;
    std::filesystem::remove(info_file, ec);
    info_file.clear();
  }
}

std::filesystem::path adminInfoPath(const std::filesystem::path& data_dir) {
  return data_dir / "admin.json";
}

std::filesystem::path tokenFilePath(const config::Config& config) {
  return config.admin.token_file.empty() ? config.data_dir / "admin.token"
                                         : config.admin.token_file;
}

void publishAdminView(const config::Config& config, const std::set<std::string>& api_endpoints) {
  auto view = std::make_shared<admin::ApiView>();
  view->endpoints = config.endpoints;
  view->api_endpoints = api_endpoints;
  for (const config::ZoneConfig& zone : config.zones) {
    view->zones.push_back(zone.name);
  }
  processView().set(std::move(view));
}

Result<std::unique_ptr<UpAdmin>> startUpAdmin(const config::Config& config,
                                              const std::set<std::string>& api_endpoints,
                                              store::Store& store,
                                              const server::Server& dns,
                                              admin::EndpointEditor* editor) {
  if (!config.admin.enabled) {
    return std::unique_ptr<UpAdmin>();
  }
  const std::filesystem::path token_file = tokenFilePath(config);
  auto token = admin::loadOrCreateToken(token_file);
  if (!token.ok()) {
    return makeError(token.error().code, "admin.token_file: " + token.error().message);
  }
  publishAdminView(config, api_endpoints);

  auto up = std::make_unique<UpAdmin>();
  admin::addUpMetrics(up->metrics, store, processView(), control::StatusBoard::process());
  admin::addDnsMetrics(up->metrics, [&dns] { return dns.stats(); });
  admin::ApiOptions api{&store, &processView(), &control::StatusBoard::process(),
                        *token, kVersion,       editor};
  admin::HttpListenerOptions options;
  options.listen = config.admin.listen;
  options.component = "admin";
  options.metrics = &up->metrics;
  // Ready while the store answers: the listener starts only once the last published state is
  // served and the control plane runs.
  options.ready = [&store] { return store.currentRevision().ok(); };
  options.routes = admin::apiRoutes(api);
  auto listener = admin::HttpListener::start(std::move(options));
  if (!listener.ok()) {
    return makeError(listener.error().code, "admin.listen: " + listener.error().message);
  }
  up->listener = std::move(listener).value();

  const std::filesystem::path info = adminInfoPath(config.data_dir);
  if (auto s = writeInfo(info, up->listener->address(), token_file); !s.ok()) {
    return s.error();
  }
  up->info_file = info;
  return up;
}

}  // namespace holdfast::cli
