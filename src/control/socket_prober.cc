// SocketProber: non-blocking POSIX sockets with poll(), bounded by the check timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

#include "common/unique_fd.h"
#include "control/prober.h"

namespace holdfast::control {

namespace {

using Steady = std::chrono::steady_clock;

// Longest status line read before giving up: a real one is "HTTP/1.0 200 OK" plus a reason.
constexpr std::size_t kMaxStatusLine = 1024;

using Socket = UniqueFd;

ProbeResult failure(std::string_view step, int error) {
  return ProbeResult{false, std::string(step) + ": " + std::strerror(error)};
}

int remainingMs(Steady::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on the socket until the deadline. Returns 0 when ready, else an errno.
int waitFor(const Socket& socket, short events, Steady::time_point deadline) {
  pollfd entry{socket.fd(), events, 0};
  while (true) {
    const int ready = ::poll(&entry, 1, remainingMs(deadline));
    if (ready > 0) {
      return 0;
    }
    if (ready == 0) {
      return ETIMEDOUT;
    }
    if (errno != EINTR) {
      return errno;
    }
  }
}

// Fills `storage` with address:port; returns its length, or 0 if the address does not parse.
socklen_t makeSockaddr(const std::string& address, std::uint16_t port, sockaddr_storage& storage) {
  storage = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

// Connects without blocking past the deadline. Returns 0 on success, else an errno.
int connectBefore(const Socket& socket,
                  const sockaddr_storage& peer,
                  socklen_t length,
                  Steady::time_point deadline) {
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&peer), length) == 0) {
    return 0;
  }
  if (errno != EINPROGRESS) {
    return errno;
  }
  if (const int error = waitFor(socket, POLLOUT, deadline); error != 0) {
    return error;
  }
  int error = 0;
  socklen_t error_length = sizeof(error);
  if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &error_length) != 0) {
    return errno;
  }
  return error;
}

// Sends all of `data` before the deadline. Returns 0 on success, else an errno.
int sendAll(const Socket& socket, std::string_view data, Steady::time_point deadline) {
  while (!data.empty()) {
    if (const int error = waitFor(socket, POLLOUT, deadline); error != 0) {
      return error;
    }
    const ssize_t sent = ::send(socket.fd(), data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno != EAGAIN && errno != EINTR) {
      return errno;
    }
    if (sent > 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
  }
  return 0;
}

// "HTTP/1.x NNN" optionally followed by " reason".
bool isStatusLine(std::string_view line) {
  if (line.size() < 12 || !line.starts_with("HTTP/1.") || line[8] != ' ') {
    return false;
  }
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return false;
    }
  }
  return line.size() == 12 || line[12] == ' ';
}

// Reads until the first CRLF and judges the status line (RFC 1945 section 6.1).
ProbeResult readStatus(const Socket& socket,
                       const HealthCheckConfig& check,
                       Steady::time_point deadline) {
  std::string line;
  std::array<char, 256> buffer{};
  while (line.find("\r\n") == std::string::npos && line.size() < kMaxStatusLine) {
    if (const int error = waitFor(socket, POLLIN, deadline); error != 0) {
      return failure("http read", error);
    }
    const ssize_t got = ::recv(socket.fd(), buffer.data(), buffer.size(), 0);
    if (got == 0) {
      break;
    }
    if (got < 0 && errno != EAGAIN && errno != EINTR) {
      return failure("http read", errno);
    }
    if (got > 0) {
      line.append(buffer.data(), static_cast<std::size_t>(got));
    }
  }

  const std::string_view status(line.data(), std::min(line.find("\r\n"), line.size()));
  if (!isStatusLine(status)) {
    return ProbeResult{false, "http: no status line"};
  }
  const std::string code(status.substr(9, 3));
  const int value = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  return ProbeResult{value >= check.http_status_min && value <= check.http_status_max,
                     "http " + code};
}

}  // namespace

ProbeResult SocketProber::probe(const std::string& address, const HealthCheckConfig& check) {
  const Steady::time_point deadline = Steady::now() + check.timeout;
  sockaddr_storage peer{};
  const socklen_t length = makeSockaddr(address, check.port, peer);
  if (length == 0) {
    return ProbeResult{false, "address does not parse"};
  }

  const Socket socket(::socket(peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) {
    return failure("socket", errno);
  }
  if (const int error = connectBefore(socket, peer, length, deadline); error != 0) {
    return failure("connect", error);
  }
  if (check.kind == HealthCheckConfig::Kind::kTcp) {
    return ProbeResult{true, "connected"};
  }

  // Limitation: no Host header is sent (HTTP/1.0 needs none), so a health endpoint behind
  // name-based virtual hosting must be served by the default host.
  const std::string request =
      "GET " + check.http_path + " HTTP/1.0\r\nUser-Agent: holdfast-health\r\n\r\n";
  if (const int error = sendAll(socket, request, deadline); error != 0) {
    return failure("http write", error);
  }
  return readStatus(socket, check, deadline);
}

}  // namespace holdfast::control
