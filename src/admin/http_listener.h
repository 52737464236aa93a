// HttpListener: a small HTTP server on its own thread for /metrics, /healthz, /readyz and, later,
// the admin API.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "admin/metrics.h"
#include "common/result.h"

namespace httplib {
class Server;
}

namespace holdfast::admin {

// Bodies larger than this are refused (413) before a handler sees them: admin requests are
// small, and the bound keeps one client from making the process buffer without limit.
inline constexpr std::size_t kMaxRequestBodyBytes = 1024 * 1024;

// Connections served at once (cpp-httplib gives each a thread); more wait in the listener's
// queue. Enough that a few slow or half-open clients cannot stall /healthz, /readyz or a scrape.
// Limitation: cpp-httplib holds a thread per connection, so kHttpThreads clients that each
// trickle a request stall the listener for up to the I/O timeout; it listens on loopback only.
inline constexpr std::size_t kHttpThreads = 16;

struct HttpRequest {
  std::string path;
  std::string body;
  std::multimap<std::string, std::string> params;  // query string
  // Request headers as received; look names up with header(), which ignores case.
  std::multimap<std::string, std::string> headers;

  // The first value of header `name` (any case); empty when absent.
  [[nodiscard]] std::string header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

enum class HttpMethod {
  kGet,
  kPost,
  kPut,
  kDelete,
};

// A handler runs on one of the listener's threads; it must be thread-safe and must not throw.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpRoute {
  HttpMethod method = HttpMethod::kGet;
  std::string path;
  HttpHandler handler;
};

struct HttpListenerOptions {
  // "a.b.c.d:port" or "[v6]:port"; port 0 picks a free one (see port()).
  std::string listen;
  // Logger name of the component that owns the listener ("resolver.admin").
  std::string component = "admin";
  // /metrics serves this registry when set; it must outlive the listener.
  const MetricsRegistry* metrics = nullptr;
  // /readyz answers 200 when this returns true, 503 otherwise; always 200 when unset.
  std::function<bool()> ready;
  // More routes (the admin API); a path here replaces a built-in one.
  std::vector<HttpRoute> routes;
};

// /healthz answers 200 while the process runs; /readyz as `ready` says; /metrics the registry in
// Prometheus text format. Thread-safe.
class HttpListener {
  struct Passkey {
    explicit Passkey() = default;
  };

public:
  // Binds the address and starts serving; logs "admin listening" with the bound address.
  // Errors: kConfig for an address that does not parse, kIo when it cannot be bound.
  [[nodiscard]] static Result<std::unique_ptr<HttpListener>> start(HttpListenerOptions options);

  explicit HttpListener(Passkey);
  ~HttpListener();

  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  // The bound address with its actual port, as "a.b.c.d:port" or "[v6]:port".
  [[nodiscard]] const std::string& address() const noexcept { return address_; }

  // Stops accepting, finishes requests in progress and joins the thread. Idempotent.
  void stop() noexcept;

private:
  // Waits (bounded by kStartTimeout) until the accept loop runs: cpp-httplib's stop() does
  // nothing before that, so a stop() that came first would leave the thread running forever.
  void waitUntilRunning() const noexcept;

  std::unique_ptr<httplib::Server> server_;
  std::uint16_t port_ = 0;
  std::string address_;
  std::thread thread_;
};

// Splits "a.b.c.d:port" or "[v6]:port" into address and port. Errors: kConfig.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

[[nodiscard]] Result<HostPort> parseHostPort(const std::string& text);

}  // namespace holdfast::admin
