// Test support for the server tests: a scripted QueryHandler and loopback clients with timeouts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include "server/query_handler.h"

namespace holdfast::server::test {

// How long a client waits for an answer that should come: generous, loopback takes microseconds.
inline constexpr std::chrono::milliseconds kReplyTimeout{2000};

// How long a client waits to conclude that no answer will come.
inline constexpr std::chrono::milliseconds kSilenceTimeout{200};

// Echoes each query with the QR bit set, except for two IDs that script misbehaviour.
class EchoHandler final : public QueryHandler {
public:
  // Gets no answer: the handler returns 0.
  static constexpr std::uint16_t kDropId = 0xD0D0;
  // Gets a length beyond the response buffer: a handler bug the server must absorb.
  static constexpr std::uint16_t kBrokenId = 0xBAD0;

  std::size_t handle(std::span<const std::uint8_t> query,
                     std::span<std::uint8_t> response,
                     Transport transport) noexcept override;

  [[nodiscard]] int calls(Transport transport) const noexcept;

private:
  std::atomic<int> udp_calls_{0};
  std::atomic<int> tcp_calls_{0};
};

// A 12-byte header with `id` followed by `payload_bytes` bytes of filler.
[[nodiscard]] std::vector<std::uint8_t> makeQuery(std::uint16_t id, std::size_t payload_bytes = 20);

[[nodiscard]] std::uint16_t messageId(std::span<const std::uint8_t> message);

// True when `answer` is what EchoHandler makes of `query`.
[[nodiscard]] bool isEchoOf(std::span<const std::uint8_t> answer,
                            std::span<const std::uint8_t> query);

// Checks `condition` every millisecond until it holds or `timeout` passes.
[[nodiscard]] bool waitFor(const std::function<bool()>& condition,
                           std::chrono::milliseconds timeout);

// A UDP socket connected to the server.
class UdpClient {
public:
  explicit UdpClient(const asio::ip::udp::endpoint& server);

  void send(std::span<const std::uint8_t> message);

  // The next datagram, or nothing after `timeout`.
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> receive(std::chrono::milliseconds timeout);

private:
  asio::io_context context_;
  asio::ip::udp::socket socket_;
};

enum class ReadStatus {
  kMessage,
  kClosed,  // end of stream or reset by the server
  kTimeout,
};

struct ReadResult {
  ReadStatus status = ReadStatus::kTimeout;
  std::vector<std::uint8_t> message;
};

// A TCP connection to the server, speaking RFC 1035 length-prefixed framing.
class TcpClient {
public:
  explicit TcpClient(const asio::ip::tcp::endpoint& server);

  [[nodiscard]] bool connected() const noexcept { return connected_; }

  // Sends bytes as they are; false if the connection failed.
  bool sendRaw(std::span<const std::uint8_t> bytes);

  // Sends a length prefix and the message.
  bool sendMessage(std::span<const std::uint8_t> message);

  // Reads one framed message within `timeout`.
  [[nodiscard]] ReadResult readMessage(std::chrono::milliseconds timeout);

  // Closes with a reset instead of a FIN, as a client that crashed.
  void abort();

private:
  ReadStatus readExactly(std::span<std::uint8_t> out,
                         std::chrono::steady_clock::time_point deadline);

  asio::io_context context_;
  asio::ip::tcp::socket socket_;
  bool connected_ = false;
};

}  // namespace holdfast::server::test
