// Handlers of the resolver's cache API: authentication, routing, request checks, JSON answers.
#include "resolver/cache_api.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "admin/token.h"
#include "resolver/active_prober.h"

namespace holdfast::resolver {

namespace {

using admin::HttpMethod;
using admin::HttpRequest;
using admin::HttpResponse;
using nlohmann::json;

constexpr std::string_view kApiPrefix = "/api/v1";

// Longest name text accepted: 253 characters plus the final dot (RFC 1035 section 2.3.4).
constexpr std::size_t kMaxNameChars = 254;

HttpResponse jsonResponse(int status, const json& body) {
  return HttpResponse{status, "application/json",
                      body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

HttpResponse errorResponse(int status,
                           const std::string& code,
                           const std::string& field,
                           const std::string& reason) {
  json error = {{"status", status}, {"code", code}, {"reason", reason}};
  if (!field.empty()) {
    error["field"] = field;
  }
  return jsonResponse(status, {{"error", error}});
}

HttpResponse badRequest(const std::string& field, const std::string& reason) {
  return errorResponse(400, "invalid_argument", field, reason);
}

std::string typeName(std::uint16_t qtype) {
  const std::size_t bucket = qtypeBucket(qtype);
  return bucket < kCountedQtypes.size() ? qtypeBucketName(bucket) : fmt::format("TYPE{}", qtype);
}

// A mnemonic of the counted types (any case) or TYPEnnn (RFC 3597 section 5).
std::optional<std::uint16_t> parseType(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (std::size_t i = 0; i < kCountedQtypes.size(); ++i) {
    if (text == qtypeBucketName(i)) {
      return kCountedQtypes[i];
    }
  }
  if (text.size() > 4 && text.starts_with("TYPE")) {
    unsigned value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data() + 4, end, value);
    if (ec == std::errc() && ptr == end && value >= 1 && value <= 65535) {
      return static_cast<std::uint16_t>(value);
    }
  }
  return std::nullopt;
}

// The lowercase wire form of a name in presentation format, without escapes.
Result<std::vector<std::uint8_t>> parseName(const std::string& text) {
  if (text.empty() || text.size() > kMaxNameChars) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("expected a domain name of 1 to {} characters", kMaxNameChars));
  }
  for (const char c : text) {
    if (c <= ' ' || c > '~' || c == '\\') {
      return makeError(Errc::kInvalidArgument,
                       fmt::format("'{}': only printable ASCII without spaces or escapes", text));
    }
  }
  auto wire = encodeName(text);
  if (!wire.ok()) {
    return makeError(Errc::kInvalidArgument, wire.error().message);
  }
  for (std::uint8_t& octet : *wire) {
    if (octet >= 'A' && octet <= 'Z') {
      octet = static_cast<std::uint8_t>(octet - 'A' + 'a');
    }
  }
  return wire;
}

// The fields of a flush request, as text, from the JSON body or else the query string.
struct FlushFields {
  std::optional<std::string> name;
  std::optional<std::string> type;
  bool keep_stale = false;
};

// Returns the error response for a bad request, or nullopt with `out` filled.
std::optional<HttpResponse> readBody(const std::string& body, FlushFields& out) {
  const json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) {
    return badRequest("body", "expected a JSON object such as {\"name\": \"www.example.test.\"}");
  }
  for (const auto& [key, value] : parsed.items()) {
    if (key == "name" || key == "type") {
      if (!value.is_string()) {
        return badRequest(key, "expected a string");
      }
      (key == "name" ? out.name : out.type) = value.get<std::string>();
    } else if (key == "keep_stale") {
      if (!value.is_boolean()) {
        return badRequest(key, "expected true or false");
      }
      out.keep_stale = value.get<bool>();
    } else {
      return badRequest(key, "unknown field; expected name, type or keep_stale");
    }
  }
  return std::nullopt;
}

std::optional<HttpResponse> readParams(const HttpRequest& request, FlushFields& out) {
  for (const auto& [key, value] : request.params) {
    if (key == "name") {
      out.name = value;
    } else if (key == "type") {
      out.type = value;
    } else if (key == "keep_stale") {
      if (value != "true" && value != "false") {
        return badRequest(key, "expected true or false");
      }
      out.keep_stale = value == "true";
    } else {
      return badRequest(key, "unknown parameter; expected name, type or keep_stale");
    }
  }
  return std::nullopt;
}

HttpResponse getCache(const CacheApiOptions& options) {
  CacheStats total;
  json shards = json::array();
  for (const CacheStats& s : options.cache->shardStats()) {
    shards.push_back({{"entries", s.entries}, {"bytes", s.bytes}, {"max_bytes", s.max_bytes}});
    total.entries += s.entries;
    total.bytes += s.bytes;
    total.max_bytes += s.max_bytes;
    total.evictions += s.evictions;
    total.flushed += s.flushed;
  }
  const ResolverStats& stats = *options.stats;
  const auto read = [](const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  };
  const HotTotals answers = stats.hot();
  return jsonResponse(200, {{"entries", total.entries},
                            {"bytes", total.bytes},
                            {"max_bytes", total.max_bytes},
                            {"hits", answers.cache_hits},
                            {"misses", answers.cache_misses},
                            {"stale_answers", read(stats.stale_answers)},
                            {"lkg_holds", read(stats.lkg_holds)},
                            {"evictions", total.evictions},
                            {"flushed", total.flushed},
                            {"shards", shards}});
}

HttpResponse postFlush(const CacheApiOptions& options, const HttpRequest& request) {
  FlushFields fields;
  const bool has_body = request.body.find_first_not_of(" \t\r\n") != std::string::npos;
  if (auto bad = has_body ? readBody(request.body, fields) : readParams(request, fields); bad) {
    return *bad;
  }

  CacheFlush flush;
  flush.mode = fields.keep_stale ? FlushMode::kExpire : FlushMode::kRemove;
  json answer = {{"scope", "all"}, {"keep_stale", fields.keep_stale}};
  if (fields.name) {
    auto wire = parseName(*fields.name);
    if (!wire.ok()) {
      return badRequest("name", wire.error().message);
    }
    flush.qname = std::move(*wire);
    answer["scope"] = "name";
    answer["name"] = *fields.name;
  }
  if (fields.type) {
    if (!fields.name) {
      return badRequest("type", "a type needs a name to flush");
    }
    flush.qtype = parseType(*fields.type);
    if (!flush.qtype) {
      return badRequest(
          "type", fmt::format("'{}': expected a type such as A, AAAA, MX or TYPE65", *fields.type));
    }
    answer["type"] = typeName(*flush.qtype);
  }

  const CacheFlushResult result = options.cache->flush(flush, options.clock->now());
  answer["removed"] = result.removed;
  answer["expired"] = result.expired;
  answer["entries"] = options.cache->stats().entries;
  return jsonResponse(200, answer);
}

HttpResponse route(const CacheApiOptions& options, HttpMethod method, const HttpRequest& request) {
  const std::string_view rest = std::string_view(request.path).substr(kApiPrefix.size());
  if (rest == "/cache") {
    return method == HttpMethod::kGet ? getCache(options)
                                      : errorResponse(405, "method_not_allowed", "", "use GET");
  }
  if (rest == "/cache/flush") {
    return method == HttpMethod::kPost ? postFlush(options, request)
                                       : errorResponse(405, "method_not_allowed", "", "use POST");
  }
  return errorResponse(404, "not_found", "", "no such route");
}

}  // namespace

HttpResponse handleCacheApi(const CacheApiOptions& options,
                            HttpMethod method,
                            const HttpRequest& request) {
  if (!admin::bearerMatches(request.header("Authorization"), options.token)) {
    return errorResponse(401, "unauthorized", "Authorization",
                         "expected the header Authorization: Bearer <token> with the token of "
                         "the resolver's token file");
  }
  try {
    return route(options, method, request);
  } catch (const std::exception& e) {
    // Handlers return errors as values; this only catches allocation failures and the like, so
    // that an admin request can never end the process.
    return errorResponse(500, "internal", "", e.what());
  }
}

std::vector<admin::HttpRoute> cacheApiRoutes(const CacheApiOptions& options) {
  std::vector<admin::HttpRoute> routes;
  const std::string pattern = std::string(kApiPrefix) + "(/.*)?";
  for (const HttpMethod method :
       {HttpMethod::kGet, HttpMethod::kPost, HttpMethod::kPut, HttpMethod::kDelete}) {
    routes.push_back({method, pattern, [options, method](const HttpRequest& request) {
                        return handleCacheApi(options, method, request);
                      }});
  }
  return routes;
}

}  // namespace holdfast::resolver
