// The resolver's cache API on its HTTP listener: GET /api/v1/cache (sizes and counters) and
// POST /api/v1/cache/flush (everything, one name, or one name and type), bearer token on both.
#pragma once

#include <string>
#include <vector>

#include "admin/http_listener.h"
#include "common/clock.h"
#include "resolver/cache.h"
#include "resolver/stats.h"

namespace holdfast::resolver {

// Everything is borrowed and must outlive the routes.
struct CacheApiOptions {
  Cache* cache = nullptr;
  const ResolverStats* stats = nullptr;
  const Clock* clock = nullptr;
  std::string token;  // the bearer token every /api/v1 request must carry
};

// Answers one request below /api/v1. Never throws. Errors are JSON, as in `up`'s API:
//   {"error": {"status": 400, "code": "invalid_argument", "field": "name", "reason": "..."}}
// 401 without a valid "Authorization: Bearer <token>", 404 for an unknown route, 405 for a
// known path with another method, 400 for a bad body or parameter (naming the field).
//
// GET /api/v1/cache answers entries, bytes, max_bytes, hits, misses, stale_answers, lkg_holds,
// evictions, flushed and the same sizes per shard. POST /api/v1/cache/flush takes an optional
// JSON body {"name": "www.example.test.", "type": "AAAA", "keep_stale": true} (or the same as
// query parameters, when there is no body): no name flushes everything; keep_stale expires the
// entries instead of removing them (see FlushMode). It answers removed, expired and the entries
// left.
[[nodiscard]] admin::HttpResponse handleCacheApi(const CacheApiOptions& options,
                                                 admin::HttpMethod method,
                                                 const admin::HttpRequest& request);

// The routes to give HttpListener: every method on /api/v1 and below.
[[nodiscard]] std::vector<admin::HttpRoute> cacheApiRoutes(const CacheApiOptions& options);

}  // namespace holdfast::resolver
