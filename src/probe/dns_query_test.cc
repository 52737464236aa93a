// Tests of the probe's DNS client: query building, answer reading, a real UDP exchange.
#include "probe/dns_query.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

namespace holdfast::probe {
namespace {

// The answer to `query` with one A record 192.0.2.7 (a compression pointer to the question).
std::vector<std::uint8_t> answerTo(std::vector<std::uint8_t> query, bool with_record) {
  query[2] = 0x81;  // QR, RD
  query[3] = 0x80;  // RA, NOERROR
  query[7] = with_record ? 1 : 0;
  if (with_record) {
    const std::vector<std::uint8_t> record = {0xc0, 12, 0, 1, 0,   1, 0, 0,
                                              0,    30, 0, 4, 192, 0, 2, 7};
    query.insert(query.end(), record.begin(), record.end());
  }
  return query;
}

TEST(DnsQuery, BuildsAQuestionWithRecursionDesired) {
  auto q = buildQuery("api.example.test.", 1, 0x1234);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)[0], 0x12);
  EXPECT_EQ((*q)[1], 0x34);
  EXPECT_EQ((*q)[2], 0x01);
  EXPECT_EQ(q->size(), 12U + 18U + 4U);
  EXPECT_FALSE(buildQuery("bad..name", 1, 1).ok());
}

TEST(DnsQuery, ReadsAddressesAndRefusesOtherIds) {
  auto q = buildQuery("api.example.test.", 1, 7);
  ASSERT_TRUE(q.ok());
  const auto wire = answerTo(*q, true);
  auto seen = readAnswer(wire, 7, 1);
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_EQ(seen->addresses, std::vector<std::string>{"192.0.2.7"});
  EXPECT_EQ(seen->rcode, 0);
  EXPECT_FALSE(readAnswer(wire, 8, 1).ok());
  EXPECT_FALSE(readAnswer(*q, 7, 1).ok());  // a query, not an answer
  auto empty = readAnswer(answerTo(*q, false), 7, 1);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->addresses.empty());
}

TEST(DnsQuery, AsksAResolverOnLoopbackAndTimesOutWithoutAnswer) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);  // NOLINT
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);  // NOLINT
  const ResolverTarget target{"127.0.0.1", "127.0.0.1", ntohs(address.sin_port)};

  std::thread server([fd] {
    std::uint8_t buffer[512];
    sockaddr_in peer{};
    socklen_t peer_length = sizeof(peer);
    const ssize_t n = ::recvfrom(fd, buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&peer),
                                 &peer_length);  // NOLINT
    if (n > 0) {
      const auto reply = answerTo(std::vector<std::uint8_t>(buffer, buffer + n), true);
      ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer),  // NOLINT
               peer_length);
    }
  });
  const Observation seen =
      askResolver(target, "api.example.test.", 1, std::chrono::milliseconds(5000));
  server.join();
  EXPECT_TRUE(seen.answered) << seen.error;
  EXPECT_EQ(seen.addresses, std::vector<std::string>{"192.0.2.7"});

  // Nobody answers now: the query times out.
  const Observation lost =
      askResolver(target, "api.example.test.", 1, std::chrono::milliseconds(50));
  EXPECT_FALSE(lost.answered);
  EXPECT_NE(lost.error.find("no answer"), std::string::npos);
  ::close(fd);
}

}  // namespace
}  // namespace holdfast::probe
