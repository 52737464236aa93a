// Route handlers of the admin API, shared by api_server.cc and api_routes.cc only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/api_server.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "control/review.h"

namespace holdfast::admin::internal {

// A JSON answer, or an error with the field it is about.
HttpResponse jsonResponse(int status, const nlohmann::json& body);
HttpResponse errorResponse(int status,
                           const std::string& code,
                           const std::string& field,
                           const std::string& reason);

// 503 naming the store failure; 404 naming an endpoint that is not configured.
HttpResponse storeFailed(const Error& error);
HttpResponse unknownEndpoint(const std::string& name);

// Who a write through the API is recorded as: "api" without `by`; `by` itself when it names an
// operator ("operator:<login>", as the CLI sends); "api:<by>" otherwise, so a caller cannot pose
// as an enactor in the journal or a pause record.
std::string whoOf(const std::string& by);

// The JSON of a review (GET .../diff and a dry-run apply).
nlohmann::json reviewJson(const control::EndpointConfig& endpoint, const control::Review& review);

// The request path below /api/v1, split at '/': "/api/v1/endpoints/a.test/plans" gives
// {"endpoints", "a.test", "plans"}.
using Segments = std::vector<std::string>;

HttpResponse getStatus(const ApiOptions& options);
HttpResponse getEndpoints(const ApiOptions& options);
// `status`: 200, or 201 to answer a create with the new endpoint.
HttpResponse getEndpoint(const ApiOptions& options, const std::string& name, int status = 200);
HttpResponse getPlans(const ApiOptions& options, const std::string& name);
HttpResponse getPlan(const ApiOptions& options,
                     const std::string& name,
                     const std::string& generation);
HttpResponse getDiff(const ApiOptions& options, const std::string& name);
HttpResponse getHistory(const ApiOptions& options,
                        const std::string& name,
                        const HttpRequest& request);
HttpResponse getEnactors(const ApiOptions& options);
HttpResponse getZones(const ApiOptions& options);
HttpResponse getAlerts(const ApiOptions& options);
// Reads the optional string `field` of a request body into `out`: an operator's text (reason,
// by), at most kMaxReasonChars, no control characters. A 400 naming the field otherwise.
std::optional<HttpResponse> readText(const nlohmann::json& body,
                                     const char* field,
                                     std::string& out);

// `name` empty: every endpoint.
HttpResponse postPause(const ApiOptions& options, const std::string& name, const std::string& body);
HttpResponse postResume(const ApiOptions& options, const std::string& name);
// Endpoint definitions through options.editor (src/admin/api_edit_routes.cc).
HttpResponse postEndpoint(const ApiOptions& options, const std::string& body);
HttpResponse putEndpoint(const ApiOptions& options,
                         const std::string& name,
                         const std::string& body);
HttpResponse deleteEndpoint(const ApiOptions& options,
                            const std::string& name,
                            const std::string& body);
// POST .../endpoints/<name>/apply (api_apply.cc).
HttpResponse postApply(const ApiOptions& options, const std::string& name, const std::string& body);

}  // namespace holdfast::admin::internal
