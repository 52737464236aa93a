// Handlers of the admin API's endpoint writes: the request body is checked here, the definition
// is validated, stored and applied by the EndpointEditor of `holdfast up`.
#include <optional>

#include "admin/api_routes_internal.h"

namespace holdfast::admin::internal {

namespace {

using nlohmann::json;

// A write request's body without its "by" member, and who asked.
struct WriteBody {
  json definition = json::object();
  std::string by = "api";
};

// Parses a request body: a JSON object (empty allowed when `optional`), with an optional string
// "by" of at most kMaxReasonChars.
std::optional<HttpResponse> readBody(const std::string& text, bool optional, WriteBody& out) {
  if (text.empty() && optional) {
    return std::nullopt;
  }
  out.definition = json::parse(text, nullptr, false);
  if (out.definition.is_discarded()) {
    return errorResponse(400, "invalid_argument", "body", "not valid JSON");
  }
  if (!out.definition.is_object()) {
    return errorResponse(400, "invalid_argument", "body", "expected a JSON object");
  }
  if (const auto by = out.definition.find("by"); by != out.definition.end()) {
    if (!by->is_string()) {
      return errorResponse(400, "invalid_argument", "by", "expected a string");
    }
    const std::string who = by->get<std::string>();
    if (who.size() > kMaxReasonChars) {
      return errorResponse(400, "invalid_argument", "by",
                           "longer than " + std::to_string(kMaxReasonChars) + " characters");
    }
    if (!who.empty()) {
      out.by = "api:" + who;
    }
    out.definition.erase(by);
  }
  return std::nullopt;
}

std::string dump(const json& definition) {
  return definition.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse refusal(const EditResult& result) {
  switch (result.outcome) {
    case EditOutcome::kInvalid:
      return errorResponse(400, "invalid_argument", result.field, result.reason);
    case EditOutcome::kConflict:
      return errorResponse(409, "conflict", result.field, result.reason);
    case EditOutcome::kNotFound:
      return errorResponse(404, "not_found", result.field, result.reason);
    case EditOutcome::kNotApplied:
      return errorResponse(500, "not_applied", result.field, result.reason);
    case EditOutcome::kStoreFailed:
      return errorResponse(503, "store_unavailable", "", result.reason);
    case EditOutcome::kDone:
      break;
  }
  return errorResponse(500, "internal", "", "unexpected editor outcome");
}

std::optional<HttpResponse> noEditor(const ApiOptions& options) {
  if (options.editor != nullptr) {
    return std::nullopt;
  }
  return errorResponse(501, "not_implemented", "",
                       "this server cannot change endpoints through the API");
}

}  // namespace

HttpResponse postEndpoint(const ApiOptions& options, const std::string& body) {
  if (auto missing = noEditor(options)) {
    return *missing;
  }
  WriteBody request;
  if (auto bad = readBody(body, false, request)) {
    return *bad;
  }
  const EditResult result = options.editor->create(dump(request.definition), request.by);
  if (result.outcome != EditOutcome::kDone) {
    return refusal(result);
  }
  return getEndpoint(options, result.name, 201);
}

HttpResponse putEndpoint(const ApiOptions& options,
                         const std::string& name,
                         const std::string& body) {
  if (auto missing = noEditor(options)) {
    return *missing;
  }
  WriteBody request;
  if (auto bad = readBody(body, false, request)) {
    return *bad;
  }
  if (!request.definition.contains("name")) {
    // The path names the endpoint; the body may leave it out.
    request.definition["name"] = name;
  }
  const EditResult result = options.editor->update(name, dump(request.definition), request.by);
  if (result.outcome != EditOutcome::kDone) {
    return refusal(result);
  }
  return getEndpoint(options, result.name, 200);
}

HttpResponse deleteEndpoint(const ApiOptions& options,
                            const std::string& name,
                            const std::string& body) {
  if (auto missing = noEditor(options)) {
    return *missing;
  }
  WriteBody request;
  if (auto bad = readBody(body, true, request)) {
    return *bad;
  }
  if (!request.definition.empty()) {
    return errorResponse(400, "invalid_argument", request.definition.begin().key(),
                         "unknown field (expected by)");
  }
  const EditResult result = options.editor->remove(name, request.by);
  if (result.outcome != EditOutcome::kDone) {
    return refusal(result);
  }
  return jsonResponse(200, {{"deleted", result.name}, {"by", request.by}});
}

}  // namespace holdfast::admin::internal
