// Scripted handler and loopback clients for the server tests.
#include "server/test_support.h"

#include <poll.h>

#include <algorithm>
#include <thread>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/socket_base.hpp>
#include <asio/write.hpp>

namespace holdfast::server::test {

namespace {

constexpr std::uint8_t kQrBit = 0x80;

// Waits for `fd` to become readable; false on timeout.
bool waitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd entry{fd, POLLIN, 0};
  const int ready = ::poll(&entry, 1, static_cast<int>(std::max<long>(0, timeout.count())));
  return ready > 0;
}

}  // namespace

std::size_t EchoHandler::handle(std::span<const std::uint8_t> query,
                                std::span<std::uint8_t> response,
                                Transport transport) noexcept {
  (transport == Transport::kUdp ? udp_calls_ : tcp_calls_).fetch_add(1);
  if (query.size() < 12) {
    return 0;
  }
  const std::uint16_t id = messageId(query);
  if (id == kDropId) {
    return 0;
  }
  if (id == kBrokenId) {
    return response.size() + 1;
  }
  std::copy(query.begin(), query.end(), response.begin());
  response[2] |= kQrBit;
  return query.size();
}

int EchoHandler::calls(Transport transport) const noexcept {
  return transport == Transport::kUdp ? udp_calls_.load() : tcp_calls_.load();
}

std::vector<std::uint8_t> makeQuery(std::uint16_t id, std::size_t payload_bytes) {
  std::vector<std::uint8_t> query(12 + payload_bytes);
  query[0] = static_cast<std::uint8_t>(id >> 8);
  query[1] = static_cast<std::uint8_t>(id & 0xff);
  query[5] = 1;  // QDCOUNT
  for (std::size_t i = 12; i < query.size(); ++i) {
    query[i] = static_cast<std::uint8_t>(i);
  }
  return query;
}

std::uint16_t messageId(std::span<const std::uint8_t> message) {
  return static_cast<std::uint16_t>((message[0] << 8) | message[1]);
}

bool isEchoOf(std::span<const std::uint8_t> answer, std::span<const std::uint8_t> query) {
  if (answer.size() != query.size() || query.size() < 12) {
    return false;
  }
  std::vector<std::uint8_t> expected(query.begin(), query.end());
  expected[2] |= kQrBit;
  return std::equal(answer.begin(), answer.end(), expected.begin());
}

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

UdpClient::UdpClient(const asio::ip::udp::endpoint& server) : socket_(context_) {
  asio::error_code ec;
  socket_.open(server.protocol(), ec);
  socket_.connect(server, ec);
}

void UdpClient::send(std::span<const std::uint8_t> message) {
  asio::error_code ec;
  socket_.send(asio::buffer(message.data(), message.size()), 0, ec);
}

std::optional<std::vector<std::uint8_t>> UdpClient::receive(std::chrono::milliseconds timeout) {
  if (!waitReadable(socket_.native_handle(), timeout)) {
    return std::nullopt;
  }
  std::vector<std::uint8_t> datagram(65535);
  asio::error_code ec;
  const std::size_t size = socket_.receive(asio::buffer(datagram), 0, ec);
  if (ec) {
    return std::nullopt;
  }
  datagram.resize(size);
  return datagram;
}

TcpClient::TcpClient(const asio::ip::tcp::endpoint& server) : socket_(context_) {
  asio::error_code ec;
  socket_.connect(server, ec);
  connected_ = !ec;
}

bool TcpClient::sendRaw(std::span<const std::uint8_t> bytes) {
  asio::error_code ec;
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

bool TcpClient::sendMessage(std::span<const std::uint8_t> message) {
  std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(message.size() >> 8),
                                   static_cast<std::uint8_t>(message.size() & 0xff)};
  framed.insert(framed.end(), message.begin(), message.end());
  return sendRaw(framed);
}

ReadResult TcpClient::readMessage(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ReadResult result;
  std::uint8_t prefix[2] = {};
  result.status = readExactly(prefix, deadline);
  if (result.status != ReadStatus::kMessage) {
    return result;
  }
  result.message.resize((std::size_t{prefix[0]} << 8) | prefix[1]);
  result.status = readExactly(result.message, deadline);
  return result;
}

void TcpClient::abort() {
  asio::error_code ec;
  socket_.set_option(asio::socket_base::linger(true, 0), ec);
  socket_.close(ec);
}

ReadStatus TcpClient::readExactly(std::span<std::uint8_t> out,
                                  std::chrono::steady_clock::time_point deadline) {
  std::size_t done = 0;
  while (done < out.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !waitReadable(socket_.native_handle(), left)) {
      return ReadStatus::kTimeout;
    }
    asio::error_code ec;
    done += socket_.read_some(asio::buffer(out.data() + done, out.size() - done), ec);
    if (ec) {
      return ReadStatus::kClosed;
    }
  }
  return ReadStatus::kMessage;
}

}  // namespace holdfast::server::test
