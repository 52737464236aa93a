// libFuzzer target: any path, method, body and query parameters sent to the resolver's cache
// API, with a valid token, get an answer (never a crash or an exception) over a small cache.
#include "resolver/cache_api.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "resolver/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace holdfast;
  static resolver::Cache cache(1 << 20, 4);
  static resolver::ResolverStats stats;
  if (size == 0) {
    return 0;
  }

  // Refill: a flush in the previous input may have emptied it.
  const std::uint8_t name[] = {3, 'w', 'w', 'w', 4, 't', 'e', 's', 't', 0};
  auto message = std::make_shared<resolver::CachedMessage>();
  message->wire.resize(64);
  message->lifetime = std::chrono::seconds(300);
  const resolver::CacheKey key(name, resolver::kTypeA, resolver::kClassIn, false, false);
  cache.insert(key, message, SystemClock::instance().now());

  // First byte: the method; up to the first newline: the path; up to the next: a name
  // parameter; the rest: the body.
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);  // NOLINT
  const auto first = input.find('\n');
  const auto second = first == std::string::npos ? first : input.find('\n', first + 1);
  admin::HttpRequest request{
      "/api/v1/" + input.substr(0, first),
      second == std::string::npos ? "" : input.substr(second + 1),
      {{"name", first == std::string::npos ? "" : input.substr(first + 1, second - first - 1)}},
      {{"Authorization", "Bearer fuzz-token-0123456789"}}};
  const resolver::CacheApiOptions options{&cache, &stats, &SystemClock::instance(),
                                          "fuzz-token-0123456789"};
  const auto method = static_cast<admin::HttpMethod>(data[0] % 4);
  const admin::HttpResponse response = resolver::handleCacheApi(options, method, request);
  if (response.status < 200 || response.status > 599) {
    __builtin_trap();
  }
  return 0;
}
