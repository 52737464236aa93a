// TCP behaviour of the server (RFC 7766), over real loopback connections.
#include "server/tcp_listener.h"

#include <chrono>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "server/server.h"
#include "server/test_support.h"

namespace holdfast::server {
namespace {

using test::EchoHandler;
using test::kReplyTimeout;
using test::kSilenceTimeout;
using test::makeQuery;
using test::ReadStatus;
using test::TcpClient;

class TcpListenerTest : public ::testing::Test {
protected:
  void startServer(const ServerOptions& overrides = {}) {
    ServerOptions options = overrides;
    options.listen = {"127.0.0.1:0"};
    auto started = Server::start(options, handler_);
    ASSERT_TRUE(started.ok()) << started.error().toString();
    server_ = std::move(started).value();
  }

  [[nodiscard]] asio::ip::tcp::endpoint endpoint() const { return server_->tcpEndpoints().at(0); }

  // True when a fresh connection gets its query answered.
  [[nodiscard]] bool answersOnNewConnection(std::uint16_t id) const {
    TcpClient client(endpoint());
    const auto query = makeQuery(id);
    if (!client.connected() || !client.sendMessage(query)) {
      return false;
    }
    const auto read = client.readMessage(kReplyTimeout);
    return read.status == ReadStatus::kMessage && test::isEchoOf(read.message, query);
  }

  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(TcpListenerTest, AnswersPipelinedQueriesInOrder) {
  startServer();
  TcpClient client(endpoint());
  ASSERT_TRUE(client.connected());
  const auto first = makeQuery(1, 300);
  const auto second = makeQuery(2, 10);

  // Both frames in one write, so the server finds them together.
  std::vector<std::uint8_t> both{static_cast<std::uint8_t>(first.size() >> 8),
                                 static_cast<std::uint8_t>(first.size() & 0xff)};
  both.insert(both.end(), first.begin(), first.end());
  both.push_back(0);
  both.push_back(static_cast<std::uint8_t>(second.size()));
  both.insert(both.end(), second.begin(), second.end());
  ASSERT_TRUE(client.sendRaw(both));

  const auto answer1 = client.readMessage(kReplyTimeout);
  const auto answer2 = client.readMessage(kReplyTimeout);
  ASSERT_EQ(answer1.status, ReadStatus::kMessage);
  ASSERT_EQ(answer2.status, ReadStatus::kMessage);
  EXPECT_TRUE(test::isEchoOf(answer1.message, first));
  EXPECT_TRUE(test::isEchoOf(answer2.message, second));
  EXPECT_EQ(handler_.calls(Transport::kTcp), 2);
  EXPECT_TRUE(test::waitFor([&] { return server_->stats().tcp.sent == 2; }, kReplyTimeout));
}

// Appends `query` to `stream` as one TCP frame (RFC 1035 section 4.2.2).
void appendFrame(std::vector<std::uint8_t>& stream, const std::vector<std::uint8_t>& query) {
  stream.push_back(static_cast<std::uint8_t>(query.size() >> 8));
  stream.push_back(static_cast<std::uint8_t>(query.size() & 0xff));
  stream.insert(stream.end(), query.begin(), query.end());
}

// More pipelined queries than one read or one write holds (the answers are 300 KB): every one
// is answered, in order, and counted once.
TEST_F(TcpListenerTest, AnswersMorePipelinedQueriesThanOneBufferHolds) {
  startServer();
  TcpClient client(endpoint());
  ASSERT_TRUE(client.connected());
  std::vector<std::vector<std::uint8_t>> queries;
  std::vector<std::uint8_t> stream;
  for (std::uint16_t id = 1; id <= 300; ++id) {
    queries.push_back(makeQuery(id, 1000));
    appendFrame(stream, queries.back());
  }
  ASSERT_TRUE(client.sendRaw(stream));
  for (const auto& query : queries) {
    const auto answer = client.readMessage(kReplyTimeout);
    ASSERT_EQ(answer.status, ReadStatus::kMessage);
    EXPECT_TRUE(test::isEchoOf(answer.message, query));
  }
  EXPECT_TRUE(test::waitFor([&] { return server_->stats().tcp.sent == 300; }, kReplyTimeout));
  EXPECT_EQ(server_->stats().tcp.received, 300U);
}

// A frame of the largest size right after small ones, sent in pieces that split prefixes and
// bodies: the unanswered part moves to the front of the buffer and the rest fits behind it.
TEST_F(TcpListenerTest, ReassemblesALargestFrameAfterSmallOnes) {
  startServer();
  TcpClient client(endpoint());
  ASSERT_TRUE(client.connected());
  const std::vector<std::vector<std::uint8_t>> queries = {
      makeQuery(1, 20), makeQuery(2, 20), makeQuery(3, 65535 - 12), makeQuery(4, 30)};
  std::vector<std::uint8_t> stream;
  for (const auto& query : queries) {
    appendFrame(stream, query);
  }
  const std::size_t cuts[] = {1, 40, 75, 30000, stream.size() - 5, stream.size()};
  std::size_t from = 0;
  for (const std::size_t to : cuts) {
    ASSERT_TRUE(client.sendRaw(std::vector<std::uint8_t>(stream.begin() + static_cast<long>(from),
                                                         stream.begin() + static_cast<long>(to))));
    from = to;
  }
  for (const auto& query : queries) {
    const auto answer = client.readMessage(kReplyTimeout);
    ASSERT_EQ(answer.status, ReadStatus::kMessage);
    EXPECT_TRUE(test::isEchoOf(answer.message, query));
  }
}

TEST_F(TcpListenerTest, HandlerReturningZeroSkipsOnlyThatQuery) {
  startServer();
  TcpClient client(endpoint());
  const auto query = makeQuery(3);

  ASSERT_TRUE(client.sendMessage(makeQuery(EchoHandler::kDropId)));
  ASSERT_TRUE(client.sendMessage(query));

  const auto answer = client.readMessage(kReplyTimeout);
  ASSERT_EQ(answer.status, ReadStatus::kMessage);
  EXPECT_TRUE(test::isEchoOf(answer.message, query));
  EXPECT_EQ(server_->stats().tcp.dropped, 1U);
}

TEST_F(TcpListenerTest, SurvivesClientClosingInsidePartialMessage) {
  startServer();
  {
    TcpClient client(endpoint());
    const std::vector<std::uint8_t> partial{0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ASSERT_TRUE(client.sendRaw(partial));
  }

  EXPECT_TRUE(answersOnNewConnection(4));
  test::UdpClient udp(server_->udpEndpoints().at(0));
  udp.send(makeQuery(5));
  EXPECT_TRUE(udp.receive(kReplyTimeout).has_value());
  EXPECT_TRUE(
      test::waitFor([&] { return server_->stats().tcp_connections_active == 0; }, kReplyTimeout));
  EXPECT_EQ(server_->stats().tcp.received, 1U);
}

TEST_F(TcpListenerTest, SurvivesClientResettingWithQueriesInFlight) {
  startServer();
  {
    TcpClient client(endpoint());
    for (std::uint16_t id = 0; id < 50; ++id) {
      ASSERT_TRUE(client.sendMessage(makeQuery(id, 1000)));
    }
    client.abort();
  }

  EXPECT_TRUE(answersOnNewConnection(6));
  EXPECT_TRUE(
      test::waitFor([&] { return server_->stats().tcp_connections_active == 0; }, kReplyTimeout));
}

TEST_F(TcpListenerTest, ClosesOnFrameShorterThanHeader) {
  startServer();
  TcpClient client(endpoint());

  ASSERT_TRUE(client.sendRaw(std::vector<std::uint8_t>{0x00, 0x04, 1, 2, 3, 4}));

  EXPECT_EQ(client.readMessage(kReplyTimeout).status, ReadStatus::kClosed);
  EXPECT_EQ(handler_.calls(Transport::kTcp), 0);
}

TEST_F(TcpListenerTest, ClosesIdleConnection) {
  ServerOptions options;
  options.tcp_idle_timeout = std::chrono::milliseconds(200);
  startServer(options);
  TcpClient client(endpoint());
  ASSERT_TRUE(client.connected());
  const auto start = std::chrono::steady_clock::now();

  EXPECT_EQ(client.readMessage(kReplyTimeout).status, ReadStatus::kClosed);

  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, kReplyTimeout);
}

TEST_F(TcpListenerTest, IdleTimeoutRestartsWithEachAnswer) {
  ServerOptions options;
  options.tcp_idle_timeout = std::chrono::milliseconds(300);
  startServer(options);
  TcpClient client(endpoint());

  // Four queries 100 ms apart span longer than the timeout but never leave the connection idle.
  for (std::uint16_t id = 0; id < 4; ++id) {
    const auto query = makeQuery(id);
    ASSERT_TRUE(client.sendMessage(query));
    const auto answer = client.readMessage(kReplyTimeout);
    ASSERT_EQ(answer.status, ReadStatus::kMessage) << "query " << id;
    EXPECT_EQ(client.readMessage(std::chrono::milliseconds(100)).status, ReadStatus::kTimeout);
  }
}

// Bytes that never complete a query do not count as progress: a client trickling one octet at a
// time is closed when the timeout has passed since its last whole query.
TEST_F(TcpListenerTest, TricklingAPartialFrameDoesNotKeepTheConnectionOpen) {
  ServerOptions options;
  options.tcp_idle_timeout = std::chrono::milliseconds(300);
  startServer(options);
  TcpClient client(endpoint());
  const std::vector<std::uint8_t> frame = {0x00, 0x40, 0x00, 0x01, 0x00, 0x00,
                                           0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
  ReadStatus status = ReadStatus::kTimeout;
  for (std::size_t i = 0; i < frame.size() && status == ReadStatus::kTimeout; ++i) {
    if (!client.sendRaw(std::vector<std::uint8_t>{frame[i]})) {
      status = ReadStatus::kClosed;
      break;
    }
    status = client.readMessage(std::chrono::milliseconds(100)).status;
  }
  // Twelve octets 100 ms apart span 1.2 s, four timeouts: closed before the last one.
  EXPECT_EQ(status, ReadStatus::kClosed);
}

TEST_F(TcpListenerTest, RefusesConnectionsBeyondLimit) {
  ServerOptions options;
  options.max_tcp_connections = 2;
  startServer(options);
  auto first = std::make_unique<TcpClient>(endpoint());
  TcpClient second(endpoint());
  for (TcpClient* client : {first.get(), &second}) {
    ASSERT_TRUE(client->sendMessage(makeQuery(1)));
    ASSERT_EQ(client->readMessage(kReplyTimeout).status, ReadStatus::kMessage);
  }

  TcpClient third(endpoint());
  third.sendMessage(makeQuery(2));
  EXPECT_EQ(third.readMessage(kReplyTimeout).status, ReadStatus::kClosed);
  EXPECT_EQ(server_->stats().tcp_connections_refused, 1U);

  // Once a connection ends its place is free again.
  first.reset();
  EXPECT_TRUE(test::waitFor([&] { return answersOnNewConnection(3); }, kReplyTimeout));
}

TEST_F(TcpListenerTest, ClosesAfterQueryLimit) {
  ServerOptions options;
  options.max_tcp_queries_per_connection = 3;
  startServer(options);
  TcpClient client(endpoint());

  for (std::uint16_t id = 0; id < 3; ++id) {
    ASSERT_TRUE(client.sendMessage(makeQuery(id)));
    ASSERT_EQ(client.readMessage(kReplyTimeout).status, ReadStatus::kMessage);
  }

  EXPECT_EQ(client.readMessage(kReplyTimeout).status, ReadStatus::kClosed);
}

// Queries pipelined past the limit go unanswered, but the answers due arrive before the end of
// the stream (a FIN, not a reset that could discard them).
TEST_F(TcpListenerTest, ClosesGracefullyAfterQueryLimitWithQueriesPipelined) {
  ServerOptions options;
  options.max_tcp_queries_per_connection = 3;
  startServer(options);
  TcpClient client(endpoint());
  std::vector<std::uint8_t> stream;
  for (std::uint16_t id = 1; id <= 5; ++id) {
    appendFrame(stream, makeQuery(id, 100));
  }
  ASSERT_TRUE(client.sendRaw(stream));
  for (std::uint16_t id = 1; id <= 3; ++id) {
    const auto answer = client.readMessage(kReplyTimeout);
    ASSERT_EQ(answer.status, ReadStatus::kMessage);
    EXPECT_EQ(test::messageId(answer.message), id);
  }
  EXPECT_EQ(client.readMessage(kReplyTimeout).status, ReadStatus::kClosed);
  EXPECT_EQ(server_->stats().tcp.sent, 3U);
}

// Without a limit (the default) a connection keeps being served.
TEST_F(TcpListenerTest, ServesAnyNumberOfQueriesByDefault) {
  startServer();
  TcpClient client(endpoint());
  for (std::uint16_t id = 0; id < 1500; ++id) {
    ASSERT_TRUE(client.sendMessage(makeQuery(id)));
    ASSERT_EQ(client.readMessage(kReplyTimeout).status, ReadStatus::kMessage);
  }
}

TEST_F(TcpListenerTest, StaysSilentWhileQueryIsIncomplete) {
  startServer();
  TcpClient client(endpoint());
  const auto query = makeQuery(9);

  ASSERT_TRUE(client.sendRaw(std::vector<std::uint8_t>{0x00}));
  EXPECT_EQ(client.readMessage(kSilenceTimeout).status, ReadStatus::kTimeout);
  std::vector<std::uint8_t> rest{static_cast<std::uint8_t>(query.size())};
  rest.insert(rest.end(), query.begin(), query.end());
  ASSERT_TRUE(client.sendRaw(rest));

  const auto answer = client.readMessage(kReplyTimeout);
  ASSERT_EQ(answer.status, ReadStatus::kMessage);
  EXPECT_TRUE(test::isEchoOf(answer.message, query));
}

}  // namespace
}  // namespace holdfast::server
