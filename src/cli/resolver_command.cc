// `holdfast resolver`: the caching forwarder, from flags or the `resolver:` section of a
// configuration file, with SIGHUP reloading that file without dropping the cache.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/http_listener.h"
#include "admin/metrics.h"
#include "admin/token.h"
#include "cli/commands.h"
#include "cli/resolver_admin.h"
#include "common/clock.h"
#include "common/log.h"
#include "config/config.h"
#include "probe/webhook.h"
#include "resolver/alert_monitor.h"
#include "resolver/cache_api.h"
#include "resolver/resolver_metrics.h"
#include "resolver/resolver_service.h"

namespace holdfast::cli {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("cli.resolver");
  return instance;
}

struct Loaded {
  resolver::ResolverOptions options;
  log::Level level = log::Level::kInfo;
  log::Format format = log::Format::kJson;
};

// Options from the file (if any), then the flags on top: flags win, so a quick start needs no
// file and a file can be tried on another port.
Result<Loaded> loadOptions(const ResolverFlags& flags) {
  Loaded loaded;
  if (!flags.config_path.empty()) {
    auto config = config::loadConfig(flags.config_path);
    if (!config.ok()) {
      return config.error();
    }
    if (!config->resolver) {
      return makeError(Errc::kConfig, flags.config_path + ": no resolver section");
    }
    loaded.options = *config->resolver;
    loaded.level = config->log_level;
    loaded.format = config->log_format;
  }
  if (!flags.listen.empty()) {
    loaded.options.listen = flags.listen;
  }
  if (!flags.upstreams.empty()) {
    loaded.options.upstreams.clear();
    for (const std::string& text : flags.upstreams) {
      auto upstream = resolver::parseUpstream(text);
      if (!upstream.ok()) {
        return makeError(Errc::kConfig, "--upstream " + upstream.error().message);
      }
      loaded.options.upstreams.push_back(*upstream);
    }
  }
  if (!flags.allow.empty()) {
    loaded.options.allow = flags.allow;
  }
  if (flags.threads > 0) {
    loaded.options.threads = flags.threads;
  }
  if (flags.no_serve_stale) {
    loaded.options.forwarder.stale.enabled = false;
  }
  if (!flags.metrics.empty()) {
    if (auto parsed = admin::parseHostPort(flags.metrics); !parsed.ok()) {
      return makeError(Errc::kConfig, "--metrics: " + parsed.error().message);
    }
    loaded.options.ops.metrics_listen = flags.metrics;
  }
  if (!flags.data_dir.empty()) {
    loaded.options.ops.data_dir = flags.data_dir;
  }
  if (!flags.token_file.empty()) {
    loaded.options.ops.token_file = flags.token_file;
  }
  if (!flags.webhooks.empty()) {
    for (const std::string& url : flags.webhooks) {
      if (auto parsed = probe::parseWebhookUrl(url); !parsed.ok()) {
        return makeError(Errc::kConfig, "--webhook: " + parsed.error().message);
      }
    }
    loaded.options.ops.webhooks = flags.webhooks;
  }
  if (!flags.log_level.empty()) {
    auto level = log::parseLevel(flags.log_level);
    if (!level.ok()) {
      return makeError(Errc::kConfig, "--log-level: " + level.error().message);
    }
    loaded.level = *level;
  }
  if (loaded.options.upstreams.empty()) {
    return makeError(Errc::kConfig, "at least one --upstream (or resolver.upstreams) is required");
  }
  return loaded;
}

sigset_t blockResolverSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

std::string endpointText(const asio::ip::udp::endpoint& endpoint) {
  return endpoint.address().is_v6()
             ? fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port())
             : fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

// A failed reload keeps everything running as it was and says why (STYLE.md, Errors).
void reload(const ResolverFlags& flags, resolver::ResolverService& service) {
  auto loaded = loadOptions(flags);
  if (!loaded.ok()) {
    logger().error(
        "resolver reload failed; keeping the running configuration",
        {{"error.code", errcName(loaded.error().code)}, {"error.message", loaded.error().message}});
    return;
  }
  if (auto s = service.reload(loaded->options); !s.ok()) {
    logger().warn("resolver reload incomplete",
                  {{"error.code", errcName(s.error().code)}, {"error.message", s.error().message}});
    return;
  }
  logger().info("resolver reloaded", {{"upstream.count", loaded->options.upstreams.size()}});
}

void logSummary(const resolver::ResolverService& service) {
  const auto stats = service.stats().snapshot();
  for (const auto& [name, value] : stats) {
    logger().debug("resolver counter", {{"counter.name", name}, {"counter.value", value}});
  }
  const auto cache = service.cacheStats();
  logger().info("resolver stopped",
                {{"cache.bytes", cache.bytes}, {"cache.entries", cache.entries}});
}

// Metrics, the HTTP listener with the cache API, and webhook alerts around a running service;
// all optional.
struct Operations {
  admin::MetricsRegistry metrics;
  std::unique_ptr<admin::HttpListener> http;
  std::filesystem::path data_dir;  // where resolver.json was written; empty: not written
  std::unique_ptr<probe::WebhookSender> sender;
  std::unique_ptr<probe::AlertTracker> tracker;
  std::unique_ptr<resolver::AlertLoop> loop;

  void stop() {
    if (loop) {
      loop->stop();
    }
    if (sender) {
      sender->stop();
    }
    if (http) {
      http->stop();
    }
    if (!data_dir.empty()) {
      removeResolverInfo(data_dir);
      data_dir.clear();
    }
    metrics.clearCollectors();
  }
};

// The HTTP listener: /metrics, /healthz, /readyz and the cache API, whose token is read or
// created first (a token file others can read is refused: kConfig); then resolver.json.
Status startHttp(const resolver::ResolverOpsOptions& ops,
                 resolver::ResolverService& service,
                 Operations& out) {
  const std::filesystem::path token_file = resolverTokenPath(ops);
  auto token = admin::loadOrCreateToken(token_file);
  if (!token.ok()) {
    return makeError(token.error().code, "resolver.metrics.token_file: " + token.error().message);
  }
  out.metrics.addCollector([&service] {
    return resolver::collectResolverMetrics(service.stats(), service.cacheStats(),
                                            service.upstreamStatus());
  });
  admin::HttpListenerOptions options;
  options.listen = ops.metrics_listen;
  options.component = "resolver.admin";
  options.metrics = &out.metrics;
  options.ready = [&service] { return service.ready(); };
  options.routes = resolver::cacheApiRoutes(
      {&service.cache(), &service.stats(), &SystemClock::instance(), std::move(*token)});
  auto http = admin::HttpListener::start(std::move(options));
  if (!http.ok()) {
    return http.error();
  }
  out.http = std::move(*http);
  if (auto s = writeResolverInfo(ops.data_dir, out.http->address(), token_file); !s.ok()) {
    return s;
  }
  out.data_dir = ops.data_dir;
  return okStatus();
}

Status startOperations(const resolver::ResolverOpsOptions& ops,
                       resolver::ResolverService& service,
                       Operations& out) {
  if (!ops.metrics_listen.empty()) {
    if (auto s = startHttp(ops, service, out); !s.ok()) {
      return s;
    }
  }
  if (!ops.webhooks.empty()) {
    probe::WebhookOptions options;
    options.source = "holdfast-resolver";
    for (const std::string& text : ops.webhooks) {
      auto url = probe::parseWebhookUrl(text);
      if (!url.ok()) {
        return url.error();
      }
      options.urls.push_back(*url);
    }
    out.sender = std::make_unique<probe::WebhookSender>(std::move(options));
    out.tracker = std::make_unique<probe::AlertTracker>(out.sender.get());
    auto monitor = std::make_shared<resolver::AlertMonitor>(ops.alert_resolve_after);
    out.loop = std::make_unique<resolver::AlertLoop>(
        [&service, monitor] {
          return monitor->evaluate(SystemClock::instance().now(), service.stats(),
                                   service.upstreamStatus());
        },
        [tracker = out.tracker.get()](const resolver::AlertCondition& c) {
          tracker->update(c.name, c.subject, c.active, c.summary);
        },
        resolver::kAlertCheckInterval);
    logger().info("webhook alerts", {{"webhook.count", ops.webhooks.size()}});
  }
  return okStatus();
}

}  // namespace

CLI::App* addResolverCommand(CLI::App& app, ResolverFlags& flags) {
  CLI::App* cmd = app.add_subcommand(
      "resolver", "run the caching forwarder that keeps answering when upstream DNS fails");
  cmd->add_option("-c,--config", flags.config_path,
                  "configuration file with a resolver: section (YAML); SIGHUP reloads it");
  cmd->add_option("-l,--listen", flags.listen,
                  "address:port to serve on, UDP and TCP (default 127.0.0.1:5354)");
  cmd->add_option("-u,--upstream", flags.upstreams, "upstream address[:port] (repeatable)");
  cmd->add_option("--allow", flags.allow,
                  "client network allowed to query (repeatable; default loopback only)");
  cmd->add_option("-t,--threads", flags.threads, "worker threads (default: one per core)")
      ->check(CLI::Range(std::size_t{1}, resolver::kMaxResolverThreads));
  cmd->add_flag("--no-serve-stale", flags.no_serve_stale,
                "answer SERVFAIL instead of expired data when upstreams fail");
  cmd->add_option("--log-level", flags.log_level, "trace, debug, info, warn, error or off");
  cmd->add_option("--metrics", flags.metrics,
                  "address:port for HTTP /metrics, /healthz, /readyz and the cache API (port 0 "
                  "picks one)");
  cmd->add_option("--data-dir", flags.data_dir,
                  "directory for resolver.json and the API token (default holdfast-data)");
  cmd->add_option("--token-file", flags.token_file,
                  "bearer token file of the cache API, created 0600 if missing (default "
                  "DATA_DIR/resolver.token)");
  cmd->add_option("--webhook", flags.webhooks,
                  "http:// URL that receives alerts as JSON POSTs (repeatable)");
  return cmd;
}

int runResolver(const ResolverFlags& flags) {
  const sigset_t signals = blockResolverSignals();
  auto loaded = loadOptions(flags);
  if (!loaded.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", loaded.error().message.c_str());
    return kExitConfig;
  }
  log::configure(loaded->level, loaded->format);

  auto service = resolver::ResolverService::start(loaded->options);
  if (!service.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", service.error().message.c_str());
    return service.error().code == Errc::kConfig ? kExitConfig : kExitRuntime;
  }
  for (const auto& endpoint : (*service)->endpoints()) {
    logger().info("resolver listening",
                  {{"listen.address", endpointText(endpoint)}, {"listen.transport", "udp+tcp"}});
  }
  for (const auto& upstream : loaded->options.upstreams) {
    logger().info("resolver upstream", {{"upstream.address", upstream.name()},
                                        {"upstream.tcp_only", upstream.tcp_only}});
  }

  Operations ops;
  if (auto s = startOperations(loaded->options.ops, **service, ops); !s.ok()) {
    std::fprintf(stderr, "holdfast: %s\n", s.error().message.c_str());
    ops.stop();
    (*service)->stop();
    return s.error().code == Errc::kConfig ? kExitConfig : kExitRuntime;
  }

  while (true) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal == SIGHUP) {
      reload(flags, **service);
      continue;
    }
    logger().info("stopping", {{"signal", signal}});
    break;
  }
  ops.stop();
  (*service)->stop();
  logSummary(**service);
  return kExitOk;
}

}  // namespace holdfast::cli
