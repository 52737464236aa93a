// libFuzzer target: scanning arbitrary bytes as a DNS message, and everything the forwarder
// derives from a scan (client query, cacheable answer, answer rewriting), must never crash.
#include "resolver/message.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "resolver/cached_message.h"
#include "resolver/client_query.h"
#include "resolver/reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace holdfast::resolver;
  const std::span<const std::uint8_t> wire(data, size);
  auto info = scanMessage(wire, ScanDepth::kRecords);
  if (!info.ok()) {
    return 0;
  }
  std::vector<std::uint8_t> out(kMaxMessageBytes);
  auto client = makeClientQuery(wire, *info, ClientTransport::kUdp);
  if (client.ok()) {
    (void)writeErrorReply(*client, kRcodeServFail, out);
  }
  auto cached = makeCachedMessage(wire, *info, TtlPolicy{});
  if (cached.ok() && client.ok()) {
    (void)writeCachedAnswer(*cached, *client, AnswerTtl{}, out);
  }
  return 0;
}
