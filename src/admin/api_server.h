// The admin HTTP API of `holdfast up`: routes under /api/v1 (bearer token on every one), the
// dashboard at /, and the OpenAPI document at /api/v1/openapi.json.
#pragma once

#include <string>
#include <vector>

#include "admin/api_state.h"
#include "admin/endpoint_editor.h"
#include "admin/http_listener.h"
#include "control/status_board.h"
#include "store/store.h"

namespace holdfast::admin {

// Bound on `limit` of a history request: the dashboard asks for tens, scripts for more.
inline constexpr std::size_t kMaxHistoryLimit = 10000;

// Bound on the operator's text in a pause request; the record is small by design.
inline constexpr std::size_t kMaxReasonChars = 1024;

// Everything is borrowed and must outlive the routes.
struct ApiOptions {
  store::Store* store = nullptr;
  const ViewHolder* view = nullptr;
  const control::StatusBoard* board = nullptr;
  std::string token;  // the bearer token every /api/v1 request must carry
  std::string version;
  // Creates, replaces and deletes endpoints; nullptr: those routes answer 501.
  EndpointEditor* editor = nullptr;
};

// Answers one request. Never throws. Errors are JSON:
//   {"error": {"status": 400, "code": "invalid_argument", "field": "reason", "reason": "..."}}
// 401 without a valid "Authorization: Bearer <token>", 404 for an unknown route or endpoint,
// 405 for a known path with another method, 400 for a bad body or parameter (naming the field),
// 409 for a write that conflicts, 501 for what is not built, 503 when the store fails.
[[nodiscard]] HttpResponse handleApi(const ApiOptions& options,
                                     HttpMethod method,
                                     const HttpRequest& request);

// The routes to give HttpListener: every method on /api/v1 and below, and the dashboard.
[[nodiscard]] std::vector<HttpRoute> apiRoutes(const ApiOptions& options);

// The dashboard page (self-contained HTML) and the OpenAPI 3 document (JSON).
[[nodiscard]] const std::string& dashboardHtml();
[[nodiscard]] const std::string& openApiJson();

}  // namespace holdfast::admin
