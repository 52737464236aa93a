// The admin HTTP listener over cpp-httplib.
#include "admin/http_listener.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "common/log.h"

namespace holdfast::admin {

namespace {

// A slow or stuck client is cut off after this long, so it cannot hold a thread for long.
constexpr std::chrono::seconds kIoTimeout{2};

// The JSON error body for what cpp-httplib refuses before any route sees the request (a
// malformed request, a missing Content-Length, a body over the bound, an unknown path or method),
// in the same shape as the API's own errors.
std::string refusalBody(int status) {
  std::string code = "bad_request";
  std::string reason =
      "malformed HTTP request (a POST or PUT needs a Content-Length header: with curl, add "
      "-d '{}' or -d '')";
  if (status == 404) {
    code = "not_found";
    reason = "no such route";
  } else if (status == 405) {
    code = "method_not_allowed";
    reason = "method not allowed here";
  } else if (status == 413) {
    code = "payload_too_large";
    reason = "the body is larger than " + std::to_string(kMaxRequestBodyBytes) + " bytes";
  } else if (status != 400) {
    code = "error";
    reason = "request refused";
  }
  return R"({"error": {"status": )" + std::to_string(status) + R"(, "code": ")" + code +
         R"(", "field": "", "reason": ")" + reason + R"("}})";
}

// How long start() waits for the accept loop to run; it takes microseconds unless the machine
// is badly overloaded.
constexpr std::chrono::seconds kStartTimeout{10};

bool isIpAddress(const std::string& host, bool v6) {
  unsigned char buffer[16];
  return inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), buffer) == 1;
}

HttpRequest toRequest(const httplib::Request& req) {
  HttpRequest out{req.path, req.body, {}, {}};
  for (const auto& [key, value] : req.params) {
    out.params.emplace(key, value);
  }
  for (const auto& [key, value] : req.headers) {
    out.headers.emplace(key, value);
  }
  return out;
}

void send(const HttpResponse& response, httplib::Response& res) {
  res.status = response.status;
  res.set_content(response.body, response.content_type.c_str());
}

httplib::Server::Handler wrap(HttpHandler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    send(handler(toRequest(req)), res);
  };
}

std::vector<HttpRoute> builtInRoutes(const HttpListenerOptions& options) {
  std::vector<HttpRoute> routes;
  routes.push_back({HttpMethod::kGet, "/healthz", [](const HttpRequest&) {
                      return HttpResponse{200, "text/plain; charset=utf-8", "ok\n"};
                    }});
  routes.push_back({HttpMethod::kGet, "/readyz", [ready = options.ready](const HttpRequest&) {
                      if (ready && !ready()) {
                        return HttpResponse{503, "text/plain; charset=utf-8", "not ready\n"};
                      }
                      return HttpResponse{200, "text/plain; charset=utf-8", "ready\n"};
                    }});
  if (options.metrics != nullptr) {
    routes.push_back(
        {HttpMethod::kGet, "/metrics", [metrics = options.metrics](const HttpRequest&) {
           return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                               metrics->serialize()};
         }});
  }
  return routes;
}

}  // namespace

std::string HttpRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

Result<HostPort> parseHostPort(const std::string& text) {
  HostPort out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return makeError(Errc::kConfig, fmt::format("'{}': expected [v6-address]:port", text));
    }
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (!isIpAddress(out.host, true)) {
      return makeError(Errc::kConfig, fmt::format("'{}' is not an IPv6 address", out.host));
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
      return makeError(Errc::kConfig, fmt::format("'{}': expected address:port", text));
    }
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (!isIpAddress(out.host, false)) {
      return makeError(Errc::kConfig, fmt::format("'{}' is not an IPv4 address", out.host));
    }
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return makeError(Errc::kConfig, fmt::format("'{}': port must be 0 to 65535", port_text));
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

HttpListener::HttpListener(Passkey) : server_(std::make_unique<httplib::Server>()) {}

HttpListener::~HttpListener() {
  stop();
}

Result<std::unique_ptr<HttpListener>> HttpListener::start(HttpListenerOptions options) {
  auto host_port = parseHostPort(options.listen);
  if (!host_port.ok()) {
    return host_port.error();
  }
  auto listener = std::make_unique<HttpListener>(Passkey());
  httplib::Server& server = *listener->server_;

  // Bounds: few threads, short I/O timeouts, small bodies (see the constants).
  // cpp-httplib takes ownership of the queue it is given by raw pointer.
  server.new_task_queue = [] {
    return new httplib::ThreadPool(
        kHttpThreads);  // NOLINT(cppcoreguidelines-owning-memory): cpp-httplib owns and deletes it
  };
  server.set_read_timeout(kIoTimeout);
  server.set_write_timeout(kIoTimeout);
  server.set_payload_max_length(kMaxRequestBodyBytes);
  server.set_keep_alive_timeout(kIoTimeout.count());
  server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.body.empty()) {
      response.set_content(refusalBody(response.status), "application/json");
    }
  });
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second process bind the same
  // address and take half of the connections (and tokens). SO_REUSEADDR only: a port in use by
  // anyone else is a bind error.
  server.set_socket_options([](socket_t sock) {
    const int yes = 1;
    (void)::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  std::vector<HttpRoute> routes = builtInRoutes(options);
  routes.insert(routes.begin(), options.routes.begin(), options.routes.end());
  for (HttpRoute& route : routes) {
    switch (route.method) {
      case HttpMethod::kGet:
        server.Get(route.path, wrap(std::move(route.handler)));
        break;
      case HttpMethod::kPost:
        server.Post(route.path, wrap(std::move(route.handler)));
        break;
      case HttpMethod::kPut:
        server.Put(route.path, wrap(std::move(route.handler)));
        break;
      case HttpMethod::kDelete:
        server.Delete(route.path, wrap(std::move(route.handler)));
        break;
    }
  }

  int port = host_port->port;
  if (port == 0) {
    port = server.bind_to_any_port(host_port->host);
  } else if (!server.bind_to_port(host_port->host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return makeError(Errc::kIo, fmt::format("cannot bind {} for HTTP", options.listen));
  }
  listener->port_ = static_cast<std::uint16_t>(port);
  listener->address_ = host_port->host.find(':') != std::string::npos
                           ? fmt::format("[{}]:{}", host_port->host, port)
                           : fmt::format("{}:{}", host_port->host, port);
  listener->thread_ = std::thread([&server] { server.listen_after_bind(); });

  // cpp-httplib's stop() does nothing until the accept loop has started, so a stop() that came
  // first would leave the thread running forever: wait (bounded) until it runs.
  listener->waitUntilRunning();
  log::Logger(options.component)
      .info("admin listening",
            {{"listen.address", listener->address_}, {"listen.transport", "http"}});
  return listener;
}

void HttpListener::waitUntilRunning() const noexcept {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void HttpListener::stop() noexcept {
  if (thread_.joinable()) {
    waitUntilRunning();
    server_->stop();
    thread_.join();
  }
}

}  // namespace holdfast::admin
