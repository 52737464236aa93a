// UDP behaviour of the server, over real loopback sockets.
#include "server/udp_listener.h"

#include <memory>
#include <set>

#include <gtest/gtest.h>

#include "server/server.h"
#include "server/test_support.h"

namespace holdfast::server {
namespace {

using test::EchoHandler;
using test::kReplyTimeout;
using test::kSilenceTimeout;
using test::makeQuery;
using test::UdpClient;

class UdpListenerTest : public ::testing::Test {
protected:
  void startServer(std::size_t threads = 2) {
    ServerOptions options;
    options.listen = {"127.0.0.1:0"};
    options.threads = threads;
    auto started = Server::start(options, handler_);
    ASSERT_TRUE(started.ok()) << started.error().toString();
    server_ = std::move(started).value();
  }

  [[nodiscard]] asio::ip::udp::endpoint endpoint() const { return server_->udpEndpoints().at(0); }

  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(UdpListenerTest, AnswersQuery) {
  startServer();
  UdpClient client(endpoint());
  const auto query = makeQuery(0x1234);

  client.send(query);
  const auto answer = client.receive(kReplyTimeout);

  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(test::isEchoOf(*answer, query));
  EXPECT_EQ(handler_.calls(Transport::kUdp), 1);
  EXPECT_EQ(handler_.calls(Transport::kTcp), 0);
  EXPECT_TRUE(test::waitFor([&] { return server_->stats().udp.sent == 1; }, kReplyTimeout));
  EXPECT_EQ(server_->stats().udp.received, 1U);
}

TEST_F(UdpListenerTest, HandlerReturningZeroSendsNothing) {
  startServer();
  UdpClient client(endpoint());

  client.send(makeQuery(EchoHandler::kDropId));
  EXPECT_FALSE(client.receive(kSilenceTimeout).has_value());

  // The next answer is for the next query: nothing for the first came late.
  const auto query = makeQuery(7);
  client.send(query);
  const auto answer = client.receive(kReplyTimeout);
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(test::isEchoOf(*answer, query));
  const ServerStats stats = server_->stats();
  EXPECT_EQ(stats.udp.received, 2U);
  EXPECT_EQ(stats.udp.dropped, 1U);
}

TEST_F(UdpListenerTest, DropsAnswerLongerThanBuffer) {
  startServer();
  UdpClient client(endpoint());

  client.send(makeQuery(EchoHandler::kBrokenId));
  EXPECT_FALSE(client.receive(kSilenceTimeout).has_value());

  const auto query = makeQuery(8);
  client.send(query);
  const auto answer = client.receive(kReplyTimeout);
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(test::isEchoOf(*answer, query));
  EXPECT_EQ(server_->stats().udp.dropped, 1U);
}

TEST_F(UdpListenerTest, AnswersBurstsFromManyClients) {
  startServer(4);
  constexpr int kClients = 8;
  constexpr int kQueriesPerClient = 24;  // more than one receive batch per socket
  std::vector<std::unique_ptr<UdpClient>> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::make_unique<UdpClient>(endpoint()));
  }

  for (int q = 0; q < kQueriesPerClient; ++q) {
    for (auto& client : clients) {
      client->send(makeQuery(static_cast<std::uint16_t>(q)));
    }
  }

  for (auto& client : clients) {
    std::set<std::uint16_t> ids;
    for (int q = 0; q < kQueriesPerClient; ++q) {
      const auto answer = client->receive(kReplyTimeout);
      ASSERT_TRUE(answer.has_value()) << "answer " << q;
      ids.insert(test::messageId(*answer));
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kQueriesPerClient));
  }
  EXPECT_TRUE(test::waitFor(
      [&] { return server_->stats().udp.sent == std::uint64_t{kClients} * kQueriesPerClient; },
      kReplyTimeout));
}

}  // namespace
}  // namespace holdfast::server
