// POST /api/v1/endpoints/<name>/apply: an operator's publish of the newest valid plan, through
// the same prepare/commit as an enactor, optionally approving a plan held by the change budget.
#include <optional>
#include <string>

#include "admin/api_routes_internal.h"
#include "common/clock.h"
#include "control/enactor.h"
#include "control/ip_address.h"

namespace holdfast::admin::internal {

namespace {

using nlohmann::json;

// Bound on prepare/commit rounds of one apply: a refused commit means an enactor published
// first, so the newest plan is read again; after this many the caller is told to retry.
constexpr int kApplyAttempts = 8;

struct ApplyRequest {
  bool dry_run = false;
  bool approve = false;
  control::Generation generation = 0;  // 0: whichever valid plan is newest
  std::string by;
  std::string reason;
};

HttpResponse badField(const std::string& field, const std::string& reason) {
  return errorResponse(400, "invalid_argument", field, reason);
}

HttpResponse conflict(const std::string& code, const std::string& field, const std::string& why) {
  return errorResponse(409, code, field, why);
}

std::optional<HttpResponse> readFlag(const json& body, const char* field, bool& out) {
  if (!body.contains(field)) {
    return std::nullopt;
  }
  if (!body[field].is_boolean()) {
    return badField(field, "expected true or false");
  }
  out = body[field].get<bool>();
  return std::nullopt;
}

// The request body; an empty body takes every default. Unknown fields are refused by name.
std::optional<HttpResponse> parseApply(const std::string& text, ApplyRequest& out) {
  if (text.empty()) {
    return std::nullopt;
  }
  const json body = json::parse(text, nullptr, false);
  if (body.is_discarded()) {
    return badField("body", "not valid JSON");
  }
  if (!body.is_object()) {
    return badField("body", "expected a JSON object");
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "dry_run" && key != "approve" && key != "generation" && key != "by" &&
        key != "reason") {
      return badField(key, "unknown field (expected dry_run, approve, generation, by, reason)");
    }
  }
  if (body.contains("generation")) {
    const json& g = body["generation"];
    if (!g.is_number_unsigned() || g.get<control::Generation>() == 0) {
      return badField("generation", "expected a positive integer");
    }
    out.generation = g.get<control::Generation>();
  }
  for (auto [field, flag] :
       {std::pair{"dry_run", &out.dry_run}, std::pair{"approve", &out.approve}}) {
    if (auto bad = readFlag(body, field, *flag)) {
      return bad;
    }
  }
  for (auto [field, text_out] : {std::pair{"by", &out.by}, std::pair{"reason", &out.reason}}) {
    if (auto bad = readText(body, field, *text_out)) {
      return bad;
    }
  }
  return std::nullopt;
}

// 409 unless the newest valid plan is `wanted` (0: any).
std::optional<HttpResponse> checkGeneration(control::Generation wanted,
                                            const std::optional<control::Plan>& plan) {
  if (wanted == 0 || (plan && plan->generation == wanted)) {
    return std::nullopt;
  }
  return conflict(
      "stale_generation", "generation",
      "generation " + std::to_string(wanted) + " is not the newest valid plan (newest: " +
          (plan ? std::to_string(plan->generation) : std::string("none")) + "); review it again");
}

// Why a review's verdict forbids a publish now; nullopt for kPublish.
std::optional<HttpResponse> refusal(const control::Review& review) {
  switch (review.verdict) {
    case control::Verdict::kPublish:
      return std::nullopt;
    case control::Verdict::kNoPlan:
      return conflict("nothing_to_apply", "", "there is no valid plan to publish");
    case control::Verdict::kUpToDate:
      return conflict("nothing_to_apply", "",
                      "generation " + std::to_string(review.plan->generation) +
                          " is already published: nothing newer to apply");
    case control::Verdict::kPaused:
      return conflict("paused", "", "publishing is paused: resume it first");
    case control::Verdict::kHeld:
      return conflict("held", "approve",
                      "the plan removes " + std::to_string(review.diff.removed.size()) +
                          " address(es), the change budget allows " +
                          std::to_string(review.allowed_removals) +
                          " per publish: review the diff and apply with approve: true");
  }
  return conflict("nothing_to_apply", "", "unknown verdict");
}

HttpResponse applied(const control::EndpointConfig& endpoint,
                     const control::Attempt& attempt,
                     const std::string& who) {
  const std::vector<std::string> before =
      attempt.published ? attempt.published->addresses : std::vector<std::string>{};
  const control::AddressDiff diff =
      control::diffAddresses(before, control::sortedAddresses(attempt.plan.addresses));
  return jsonResponse(
      200, {{"endpoint", endpoint.name},
            {"applied", true},
            {"generation", attempt.plan.generation},
            {"previous_generation", attempt.published ? attempt.published->generation : 0},
            {"addresses", control::sortedAddresses(attempt.plan.addresses)},
            {"added", diff.added},
            {"removed", diff.removed},
            {"approved", attempt.approved},
            {"by", who},
            {"reason", attempt.note}});
}

// prepare() and commit() as an enactor named after the operator, so the journal says who.
HttpResponse publish(const ApiOptions& options,
                     const control::EndpointConfig& endpoint,
                     const ApplyRequest& request) {
  const auto view = options.view->get();
  const std::string who = whoOf(request.by);
  control::Enactor enactor(who, *options.store, view->endpoints, control::EnactorOptions{},
                           SystemClock::instance());
  for (int attempt = 0; attempt < kApplyAttempts; ++attempt) {
    auto prepared = enactor.prepare(endpoint);
    if (!prepared.ok()) {
      return storeFailed(prepared.error());
    }
    if (!prepared->has_value()) {
      return conflict("nothing_to_apply", "", "nothing newer than what is published");
    }
    control::Attempt& next = **prepared;
    if (auto stale = checkGeneration(request.generation, next.plan)) {
      return *stale;
    }
    next.approved = request.approve;
    next.note = request.reason;
    auto outcome = enactor.commit(next);
    if (!outcome.ok()) {
      return storeFailed(outcome.error());
    }
    switch (*outcome) {
      case control::CommitOutcome::kApplied:
        return applied(endpoint, next, who);
      case control::CommitOutcome::kHeld:
        return conflict("held", "approve",
                        "the plan removes more addresses than the change budget allows: apply "
                        "with approve: true");
      case control::CommitOutcome::kPaused:
        return conflict("paused", "", "publishing is paused: resume it first");
      case control::CommitOutcome::kRefused:
        break;  // an enactor published first; read the newest plan again
    }
  }
  return conflict("contended", "",
                  "every attempt was refused: the endpoint keeps changing; try again");
}

}  // namespace

HttpResponse postApply(const ApiOptions& options,
                       const std::string& name,
                       const std::string& body) {
  const auto view = options.view->get();
  const control::EndpointConfig* endpoint = findEndpoint(*view, name);
  if (endpoint == nullptr) {
    return unknownEndpoint(name);
  }
  ApplyRequest request;
  if (auto bad = parseApply(body, request)) {
    return *bad;
  }

  auto review = control::reviewEndpoint(*options.store, *endpoint, request.approve);
  if (!review.ok()) {
    return storeFailed(review.error());
  }
  if (auto stale = checkGeneration(request.generation, review->plan)) {
    return *stale;
  }
  if (request.dry_run) {
    json out = reviewJson(*endpoint, *review);
    out["dry_run"] = true;
    out["approve"] = request.approve;
    return jsonResponse(200, out);
  }
  if (auto refused = refusal(*review)) {
    return *refused;
  }
  return publish(options, *endpoint, request);
}

}  // namespace holdfast::admin::internal
