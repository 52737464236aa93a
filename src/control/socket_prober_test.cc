// Tests of the socket prober against real listeners on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "control/health_checker.h"
#include "control/prober.h"
#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

// A listening TCP socket on 127.0.0.1 and an OS-chosen port.
class Listener {
public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }

  ~Listener() { close(); }

  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }

  [[nodiscard]] int fd() const { return fd_; }

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A port on 127.0.0.1 that nothing listens on (bound once, then released).
std::uint16_t closedPort() {
  Listener listener;
  const std::uint16_t port = listener.port();
  listener.close();
  return port;
}

// Accepts one connection, reads the request head, answers `response` and closes.
std::jthread serveOnce(const Listener& listener, std::string response) {
  return std::jthread([fd = listener.fd(), response = std::move(response)] {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 5000) != 1) {
      return;
    }
    const int client = ::accept(fd, nullptr, nullptr);
    std::string request;
    char buffer[512];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t got = ::recv(client, buffer, sizeof(buffer), 0);
      if (got <= 0) {
        break;
      }
      request.append(buffer, static_cast<std::size_t>(got));
    }
    EXPECT_TRUE(request.starts_with("GET /healthz HTTP/1.0\r\n")) << request;
    (void)::send(client, response.data(), response.size(), MSG_NOSIGNAL);
    ::close(client);
  });
}

HealthCheckConfig check(HealthCheckConfig::Kind kind, std::uint16_t port) {
  HealthCheckConfig config;
  config.kind = kind;
  config.port = port;
  config.http_path = "/healthz";
  config.timeout = std::chrono::milliseconds(300);
  return config;
}

TEST(SocketProber, TcpConnectsOrIsRefused) {
  Listener listener;
  SocketProber prober;
  const ProbeResult up =
      prober.probe("127.0.0.1", check(HealthCheckConfig::Kind::kTcp, listener.port()));
  EXPECT_TRUE(up.healthy);
  EXPECT_EQ(up.reason, "connected");

  const ProbeResult down =
      prober.probe("127.0.0.1", check(HealthCheckConfig::Kind::kTcp, closedPort()));
  EXPECT_FALSE(down.healthy);
  EXPECT_EQ(down.reason, "connect: Connection refused");
}

TEST(SocketProber, HttpNeedsA2xxStatusLine) {
  SocketProber prober;
  {
    Listener listener;
    const auto server = serveOnce(listener, "HTTP/1.0 204 No Content\r\n\r\n");
    const ProbeResult result =
        prober.probe("127.0.0.1", check(HealthCheckConfig::Kind::kHttp, listener.port()));
    EXPECT_TRUE(result.healthy);
    EXPECT_EQ(result.reason, "http 204");
  }
  {
    Listener listener;
    const auto server = serveOnce(listener, "HTTP/1.1 503 Service Unavailable\r\n\r\n");
    const ProbeResult result =
        prober.probe("127.0.0.1", check(HealthCheckConfig::Kind::kHttp, listener.port()));
    EXPECT_FALSE(result.healthy);
    EXPECT_EQ(result.reason, "http 503");
  }
  {
    Listener listener;
    const auto server = serveOnce(listener, "SSH-2.0-OpenSSH\r\n");
    const ProbeResult result =
        prober.probe("127.0.0.1", check(HealthCheckConfig::Kind::kHttp, listener.port()));
    EXPECT_FALSE(result.healthy);
    EXPECT_EQ(result.reason, "http: no status line");
  }
}

TEST(SocketProber, HttpAcceptsTheConfiguredStatusRange) {
  SocketProber prober;
  HealthCheckConfig widened = check(HealthCheckConfig::Kind::kHttp, 0);
  widened.http_status_min = 200;
  widened.http_status_max = 399;
  {
    Listener listener;
    const auto server = serveOnce(listener, "HTTP/1.0 302 Found\r\n\r\n");
    widened.port = listener.port();
    const ProbeResult result = prober.probe("127.0.0.1", widened);
    EXPECT_TRUE(result.healthy);
    EXPECT_EQ(result.reason, "http 302");
  }
  {
    Listener listener;
    const auto server = serveOnce(listener, "HTTP/1.0 400 Bad Request\r\n\r\n");
    widened.port = listener.port();
    const ProbeResult result = prober.probe("127.0.0.1", widened);
    EXPECT_FALSE(result.healthy);
    EXPECT_EQ(result.reason, "http 400");
  }
}

TEST(SocketProber, HttpTimesOutOnASilentServer) {
  Listener listener;  // the kernel completes the handshake; nobody ever answers
  SocketProber prober;
  const auto started = std::chrono::steady_clock::now();
  const ProbeResult result =
      prober.probe("127.0.0.1", check(HealthCheckConfig::Kind::kHttp, listener.port()));
  const auto spent = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.reason, "http read: Connection timed out");
  EXPECT_LT(spent, std::chrono::seconds(2));
}

TEST(SocketProber, HealthCheckerRecordsARealListenerAndAClosedPort) {
  Listener listener;
  EndpointConfig open = testing::makeEndpoint("open.example.test.", {"127.0.0.1"});
  open.check = check(HealthCheckConfig::Kind::kTcp, listener.port());
  EndpointConfig closed = testing::makeEndpoint("closed.example.test.", {"127.0.0.1"});
  closed.check = check(HealthCheckConfig::Kind::kTcp, closedPort());

  store::MemoryStore store;
  SocketProber prober;
  testing::FixedClock clock;
  HealthChecker checker(store, {open, closed}, prober, clock);
  checker.probeAll();

  auto up = decodeHealth(testing::getKey(store, healthKey(open.name, "127.0.0.1"))->value);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(*up, (HealthRecord{true, testing::FixedClock::kWallMs, "connected"}));
  auto down = decodeHealth(testing::getKey(store, healthKey(closed.name, "127.0.0.1"))->value);
  ASSERT_TRUE(down.ok());
  EXPECT_FALSE(down->healthy);
  EXPECT_EQ(down->reason, "connect: Connection refused");
}

}  // namespace
}  // namespace holdfast::control
