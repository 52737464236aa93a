// Server lifecycle: options, binding, shared ports, stop, IPv6.
#include "server/server.h"

#include <chrono>
#include <memory>
#include <string>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include "server/test_support.h"

namespace holdfast::server {
namespace {

using test::EchoHandler;
using test::kReplyTimeout;
using test::kSilenceTimeout;
using test::makeQuery;
using test::ReadStatus;

ServerOptions loopbackOptions(std::vector<std::string> listen) {
  ServerOptions options;
  options.listen = std::move(listen);
  return options;
}

// True when the server answers a query over UDP and over TCP at the given entry.
bool answersBothTransports(const Server& server, std::size_t entry) {
  const auto query = makeQuery(42);
  test::UdpClient udp(server.udpEndpoints().at(entry));
  udp.send(query);
  const auto udp_answer = udp.receive(kReplyTimeout);

  test::TcpClient tcp(server.tcpEndpoints().at(entry));
  const bool sent = tcp.sendMessage(query);
  const auto tcp_answer = tcp.readMessage(kReplyTimeout);
  return udp_answer.has_value() && test::isEchoOf(*udp_answer, query) && sent &&
         tcp_answer.status == ReadStatus::kMessage && test::isEchoOf(tcp_answer.message, query);
}

TEST(ServerTest, PortZeroGivesUdpAndTcpOneSharedPortPerEntry) {
  EchoHandler handler;
  auto server = Server::start(loopbackOptions({"127.0.0.1:0", "127.0.0.1:0"}), handler);
  ASSERT_TRUE(server.ok()) << server.error().toString();

  const auto udp = (*server)->udpEndpoints();
  const auto tcp = (*server)->tcpEndpoints();
  ASSERT_EQ(udp.size(), 2U);
  ASSERT_EQ(tcp.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NE(udp[i].port(), 0);
    EXPECT_EQ(udp[i].port(), tcp[i].port());
    EXPECT_EQ(udp[i].address().to_string(), "127.0.0.1");
    EXPECT_TRUE(answersBothTransports(**server, i));
  }
  EXPECT_NE(udp[0].port(), udp[1].port());
}

TEST(ServerTest, RejectsInvalidOptions) {
  EchoHandler handler;
  ServerOptions no_threads = loopbackOptions({"127.0.0.1:0"});
  no_threads.threads = 0;
  ServerOptions no_idle = loopbackOptions({"127.0.0.1:0"});
  no_idle.tcp_idle_timeout = std::chrono::milliseconds(0);
  ServerOptions no_connections = loopbackOptions({"127.0.0.1:0"});
  no_connections.max_tcp_connections = 0;

  for (const ServerOptions& options : {loopbackOptions({}), loopbackOptions({"localhost:53"}),
                                       no_threads, no_idle, no_connections}) {
    const auto server = Server::start(options, handler);
    ASSERT_FALSE(server.ok());
    EXPECT_EQ(server.error().code, Errc::kConfig) << server.error().toString();
  }
}

TEST(ServerTest, PortServedByAnotherServerIsAClearError) {
  EchoHandler handler;
  auto first = Server::start(loopbackOptions({"127.0.0.1:0"}), handler);
  ASSERT_TRUE(first.ok()) << first.error().toString();
  const std::string taken = "127.0.0.1:" + std::to_string((*first)->udpEndpoints()[0].port());

  // Both use SO_REUSEPORT; the second must still refuse to share the first one's traffic.
  const auto second = Server::start(loopbackOptions({taken}), handler);

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::kIo);
  EXPECT_EQ(second.error().message, "bind " + taken + " (udp): Address already in use");
  EXPECT_TRUE(answersBothTransports(**first, 0));
}

TEST(ServerTest, TcpPortTakenIsAClearError) {
  asio::io_context context;
  asio::ip::tcp::acceptor holder(context);
  asio::error_code ec;
  holder.open(asio::ip::tcp::v4(), ec);
  holder.bind(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), ec);
  holder.listen(1, ec);
  ASSERT_FALSE(ec) << ec.message();
  const std::string taken = "127.0.0.1:" + std::to_string(holder.local_endpoint().port());
  EchoHandler handler;

  const auto server = Server::start(loopbackOptions({taken}), handler);

  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.error().message, "bind " + taken + " (tcp): Address already in use");
}

TEST(ServerTest, StopIsIdempotentFastAndReleasesPorts) {
  EchoHandler handler;
  auto server = Server::start(loopbackOptions({"127.0.0.1:0"}), handler);
  ASSERT_TRUE(server.ok()) << server.error().toString();
  ASSERT_TRUE(answersBothTransports(**server, 0));
  // An open connection must not hold stop() up.
  test::TcpClient idle((*server)->tcpEndpoints()[0]);
  ASSERT_TRUE(idle.connected());

  const auto start = std::chrono::steady_clock::now();
  (*server)->stop();
  (*server)->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));

  EXPECT_EQ(idle.readMessage(kReplyTimeout).status, ReadStatus::kClosed);
  test::UdpClient udp((*server)->udpEndpoints()[0]);
  udp.send(makeQuery(1));
  EXPECT_FALSE(udp.receive(kSilenceTimeout).has_value());
  EXPECT_EQ((*server)->stats().udp.sent, 1U);
  EXPECT_EQ((*server)->stats().tcp_connections_active, 0U);

  const std::string port = std::to_string((*server)->udpEndpoints()[0].port());
  auto again = Server::start(loopbackOptions({"127.0.0.1:" + port}), handler);
  ASSERT_TRUE(again.ok()) << again.error().toString();
  EXPECT_TRUE(answersBothTransports(**again, 0));
}

TEST(ServerTest, ServesIpv6Loopback) {
  {
    asio::io_context context;
    asio::ip::udp::socket probe(context);
    asio::error_code ec;
    probe.open(asio::ip::udp::v6(), ec);
    if (!ec) {
      probe.bind(asio::ip::udp::endpoint(asio::ip::make_address("::1"), 0), ec);
    }
    if (ec) {
      GTEST_SKIP() << "cannot bind [::1]: " << ec.message();
    }
  }
  EchoHandler handler;

  auto server = Server::start(loopbackOptions({"[::1]:0", "127.0.0.1:0"}), handler);

  ASSERT_TRUE(server.ok()) << server.error().toString();
  EXPECT_TRUE((*server)->udpEndpoints()[0].address().is_v6());
  EXPECT_TRUE(answersBothTransports(**server, 0));
  EXPECT_TRUE(answersBothTransports(**server, 1));
}

}  // namespace
}  // namespace holdfast::server
