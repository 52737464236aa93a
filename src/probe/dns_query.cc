// A DNS client of one question: build, send over UDP, wait with a deadline, read the addresses.
#include "probe/dns_query.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "common/unique_fd.h"
#include "resolver/message.h"

namespace holdfast::probe {

namespace {

// Largest UDP answer read: no EDNS is sent, so servers answer within 512 octets (RFC 1035
// section 4.2.1); the buffer is larger so that a misbehaving server is read, not cut.
constexpr std::size_t kMaxAnswerBytes = 4096;

using Socket = UniqueFd;

Result<std::vector<std::uint8_t>> encodeName(const std::string& name) {
  std::vector<std::uint8_t> out;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) {
      dot = name.size();
    }
    const std::size_t length = dot - start;
    if (length == 0 || length > 63) {
      return makeError(Errc::kInvalidArgument, fmt::format("'{}': bad label length", name));
    }
    out.push_back(static_cast<std::uint8_t>(length));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
               name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  if (out.size() > 255) {
    return makeError(Errc::kInvalidArgument, fmt::format("'{}': name too long", name));
  }
  return out;
}

std::chrono::microseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

Result<std::vector<std::uint8_t>> buildQuery(const std::string& name,
                                             std::uint16_t rrtype,
                                             std::uint16_t id) {
  auto qname = encodeName(name);
  if (!qname.ok()) {
    return qname.error();
  }
  std::vector<std::uint8_t> wire = {static_cast<std::uint8_t>(id >> 8),
                                    static_cast<std::uint8_t>(id & 0xff),
                                    0x01,
                                    0x00,  // RD
                                    0,
                                    1,
                                    0,
                                    0,
                                    0,
                                    0,
                                    0,
                                    0};
  wire.insert(wire.end(), qname->begin(), qname->end());
  wire.push_back(static_cast<std::uint8_t>(rrtype >> 8));
  wire.push_back(static_cast<std::uint8_t>(rrtype & 0xff));
  wire.push_back(0);
  wire.push_back(1);  // class IN
  return wire;
}

Result<Observation> readAnswer(std::span<const std::uint8_t> response,
                               std::uint16_t id,
                               std::uint16_t rrtype) {
  auto info = resolver::scanMessage(response, resolver::ScanDepth::kRecords);
  if (!info.ok()) {
    return info.error();
  }
  if (info->id != id || !info->isResponse()) {
    return makeError(Errc::kParse, "not an answer to this query");
  }
  Observation out;
  out.answered = true;
  out.rcode = info->rcode();
  for (const resolver::RecordInfo& record : info->records) {
    if (record.section != resolver::SectionId::kAnswer || record.type != rrtype) {
      continue;
    }
    const bool v6 = rrtype == resolver::kTypeAaaa;
    if (record.rdlength != (v6 ? 16 : 4)) {
      continue;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(v6 ? AF_INET6 : AF_INET, response.data() + record.rdata_offset, text,
                  sizeof(text)) != nullptr) {
      out.addresses.emplace_back(text);
    }
  }
  return out;
}

Observation askResolver(const ResolverTarget& resolver,
                        const std::string& name,
                        std::uint16_t rrtype,
                        std::chrono::milliseconds timeout) {
  Observation failed;
  thread_local std::mt19937 ids{std::random_device{}()};
  const auto id = static_cast<std::uint16_t>(ids());
  auto query = buildQuery(name, rrtype, id);
  if (!query.ok()) {
    failed.error = query.error().message;
    return failed;
  }

  sockaddr_storage address{};
  socklen_t length = 0;
  const bool v6 = resolver.host.find(':') != std::string::npos;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&address);  // NOLINT(*-reinterpret-cast): sockets API
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(resolver.port);
    inet_pton(AF_INET6, resolver.host.c_str(), &a->sin6_addr);
    length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&address);  // NOLINT(*-reinterpret-cast): sockets API
    a->sin_family = AF_INET;
    a->sin_port = htons(resolver.port);
    inet_pton(AF_INET, resolver.host.c_str(), &a->sin_addr);
    length = sizeof(sockaddr_in);
  }
  const Socket socket(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  // connect() makes the kernel drop datagrams from any other address.
  if (socket.fd() < 0 ||
      ::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), length) != 0) {  // NOLINT
    failed.error = fmt::format("socket: {}", std::strerror(errno));
    return failed;
  }

  const auto start = std::chrono::steady_clock::now();
  if (::send(socket.fd(), query->data(), query->size(), 0) < 0) {
    failed.error = fmt::format("send: {}", std::strerror(errno));
    return failed;
  }
  std::array<std::uint8_t, kMaxAnswerBytes> buffer{};
  for (;;) {
    const auto left = timeout - std::chrono::duration_cast<std::chrono::milliseconds>(since(start));
    pollfd p{socket.fd(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      failed.error = fmt::format("no answer within {} ms", timeout.count());
      failed.latency = since(start);
      return failed;
    }
    const ssize_t n = ::recv(socket.fd(), buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      failed.error = fmt::format("recv: {}", std::strerror(errno));
      failed.latency = since(start);
      return failed;
    }
    auto answer = readAnswer(std::span(buffer.data(), static_cast<std::size_t>(n)), id, rrtype);
    if (answer.ok()) {
      answer->latency = since(start);
      return *std::move(answer);
    }
    // A stray or malformed datagram: keep waiting for the real answer until the deadline.
  }
}

}  // namespace holdfast::probe
