// The admin API's front door: authentication, routing and JSON errors.
#include "admin/api_server.h"

#include "admin/api_routes_internal.h"
#include "admin/token.h"

namespace holdfast::admin {

namespace internal {

HttpResponse jsonResponse(int status, const nlohmann::json& body) {
  // Replacing invalid UTF-8 (say, from a hand-edited store record) keeps dump() from throwing.
  return HttpResponse{status, "application/json",
                      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"};
}

HttpResponse errorResponse(int status,
                           const std::string& code,
                           const std::string& field,
                           const std::string& reason) {
  nlohmann::json error = {{"status", status}, {"code", code}, {"reason", reason}};
  if (!field.empty()) {
    error["field"] = field;
  }
  return jsonResponse(status, {{"error", error}});
}

}  // namespace internal

namespace {

using internal::errorResponse;
using internal::Segments;

constexpr std::string_view kApiPrefix = "/api/v1";

Segments split(std::string_view path) {
  Segments out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) {
      out.emplace_back(path.substr(start, end - start));
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return out;
}

HttpResponse methodNotAllowed(const std::string& allowed) {
  return errorResponse(405, "method_not_allowed", "", "use " + allowed);
}

// Routes below /api/v1/endpoints/<name>.
HttpResponse routeEndpoint(const ApiOptions& options,
                           HttpMethod method,
                           const Segments& s,
                           const HttpRequest& request) {
  const std::string& name = s[1];
  if (s.size() == 2) {
    switch (method) {
      case HttpMethod::kGet:
        return internal::getEndpoint(options, name);
      case HttpMethod::kPut:
        return internal::putEndpoint(options, name, request.body);
      case HttpMethod::kDelete:
        return internal::deleteEndpoint(options, name, request.body);
      default:
        return methodNotAllowed("GET, PUT, DELETE");
    }
  }
  const std::string& what = s[2];
  if (s.size() == 3 && (what == "pause" || what == "resume")) {
    if (method != HttpMethod::kPost) {
      return methodNotAllowed("POST");
    }
    return what == "pause" ? internal::postPause(options, name, request.body)
                           : internal::postResume(options, name);
  }
  if (s.size() == 3 && what == "apply") {
    return method == HttpMethod::kPost ? internal::postApply(options, name, request.body)
                                       : methodNotAllowed("POST");
  }
  if (method != HttpMethod::kGet) {
    return methodNotAllowed("GET");
  }
  if (s.size() == 3 && what == "plans") {
    return internal::getPlans(options, name);
  }
  if (s.size() == 4 && what == "plans") {
    return internal::getPlan(options, name, s[3]);
  }
  if (s.size() == 3 && what == "diff") {
    return internal::getDiff(options, name);
  }
  if (s.size() == 3 && what == "history") {
    return internal::getHistory(options, name, request);
  }
  return errorResponse(404, "not_found", "", "no such route");
}

HttpResponse route(const ApiOptions& options, HttpMethod method, const HttpRequest& request) {
  const Segments s = split(std::string_view(request.path).substr(kApiPrefix.size()));
  if (s.size() == 1 && s[0] == "openapi.json") {
    return method == HttpMethod::kGet ? HttpResponse{200, "application/json", openApiJson()}
                                      : methodNotAllowed("GET");
  }
  if (s.size() == 1 && (s[0] == "pause" || s[0] == "resume")) {
    if (method != HttpMethod::kPost) {
      return methodNotAllowed("POST");
    }
    return s[0] == "pause" ? internal::postPause(options, "", request.body)
                           : internal::postResume(options, "");
  }
  if (s.size() == 1 && s[0] == "endpoints" && method == HttpMethod::kPost) {
    return internal::postEndpoint(options, request.body);
  }
  if (s.size() >= 2 && s[0] == "endpoints") {
    return routeEndpoint(options, method, s, request);
  }
  if (s.size() == 1) {
    if (method != HttpMethod::kGet) {
      return methodNotAllowed("GET");
    }
    if (s[0] == "status") {
      return internal::getStatus(options);
    }
    if (s[0] == "endpoints") {
      return internal::getEndpoints(options);
    }
    if (s[0] == "enactors") {
      return internal::getEnactors(options);
    }
    if (s[0] == "zones") {
      return internal::getZones(options);
    }
    if (s[0] == "alerts") {
      return internal::getAlerts(options);
    }
  }
  return errorResponse(404, "not_found", "", "no such route");
}

}  // namespace

HttpResponse handleApi(const ApiOptions& options, HttpMethod method, const HttpRequest& request) {
  if (!bearerMatches(request.header("Authorization"), options.token)) {
    HttpResponse denied = errorResponse(401, "unauthorized", "Authorization",
                                        "expected the header Authorization: Bearer <token> with "
                                        "the token of the admin token file");
    return denied;
  }
  try {
    return route(options, method, request);
  } catch (const std::exception& e) {
    // Handlers return errors as values; this only catches allocation failures and the like,
    // so that an admin request can never end the process.
    return errorResponse(500, "internal", "", e.what());
  }
}

std::vector<HttpRoute> apiRoutes(const ApiOptions& options) {
  std::vector<HttpRoute> routes;
  const std::string pattern = std::string(kApiPrefix) + "(/.*)?";
  for (const HttpMethod method :
       {HttpMethod::kGet, HttpMethod::kPost, HttpMethod::kPut, HttpMethod::kDelete}) {
    routes.push_back({method, pattern, [options, method](const HttpRequest& request) {
                        return handleApi(options, method, request);
                      }});
  }
  // The page itself holds no data; its scripts call the API with the token.
  routes.push_back({HttpMethod::kGet, "/", [](const HttpRequest&) {
                      return HttpResponse{200, "text/html; charset=utf-8", dashboardHtml()};
                    }});
  return routes;
}

}  // namespace holdfast::admin
