// Endpoint definitions of the admin API in `holdfast up`: check, store transaction, reload.
#include "cli/up_endpoints.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "cli/startup.h"
#include "cli/up_admin.h"
#include "common/log.h"
#include "config/endpoint_definition.h"
#include "control/endpoint_defs.h"

namespace holdfast::cli {

namespace {

using admin::EditOutcome;
using admin::EditResult;
using nlohmann::json;

const log::Logger& logger() {
  static const log::Logger instance("cli.endpoints");
  return instance;
}

EditResult refuse(EditOutcome outcome, std::string field, std::string reason) {
  return EditResult{outcome, std::move(field), std::move(reason), {}};
}

EditResult storeFailed(const Error& error) {
  return refuse(EditOutcome::kStoreFailed, "", error.message);
}

// "API.Example.test" -> "api.example.test.", as the API finds endpoints.
std::string normalized(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.empty() || name.back() != '.') {
    name += '.';
  }
  return name;
}

bool definedInFile(const config::Config& config, const std::string& name) {
  return std::any_of(config.endpoints.begin(), config.endpoints.end(),
                     [&](const control::EndpointConfig& e) { return e.name == name; });
}

EditResult inFile(const config::Config& config, const std::string& name) {
  return refuse(
      EditOutcome::kConflict, "name",
      name + " is defined in " + config.source.string() + "; edit it and run holdfast reload");
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What the store holds for a definition: the request's JSON object and who wrote it when.
std::string encodeRecord(const std::string& definition, const std::string& by) {
  const json record = {
      {"definition", json::parse(definition, nullptr, false)}, {"by", by}, {"at_ms", nowMs()}};
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<control::EndpointConfig> decodeRecord(const std::string& value,
                                             const config::Config& config) {
  const json record = json::parse(value, nullptr, false);
  if (!record.is_object() || !record.contains("definition") || !record["definition"].is_object()) {
    return makeError(Errc::kParse, "not a definition record");
  }
  return config::parseEndpointDefinition(record["definition"].dump(), config);
}

// The configuration as it would run with `changed` (a new or replaced definition) in place of
// `name`'s stored one, checked against the zone files. Refusals are kInvalid for the
// definition, kNotApplied when the configuration file itself does not load.
struct Candidate {
  std::optional<EditResult> refusal;
  control::EndpointConfig endpoint;
};

Candidate checkCandidate(UpState& state, const std::string& definition) {
  auto loaded = loadAndCheck(state.config_path, LogSetup::kKeep);
  if (!loaded.ok()) {
    return {refuse(EditOutcome::kNotApplied, "",
                   "the configuration file does not load, nothing was changed: " +
                       loaded.error().message),
            {}};
  }
  auto parsed = config::parseEndpointDefinition(definition, loaded->config);
  if (!parsed.ok()) {
    config::FieldError error = config::splitFieldError(parsed.error().message);
    return {refuse(EditOutcome::kInvalid, std::move(error.field), std::move(error.reason)), {}};
  }
  if (definedInFile(loaded->config, parsed->name)) {
    return {inFile(loaded->config, parsed->name), {}};
  }
  auto stored = storedEndpoints(*state.store, loaded->config);
  if (!stored.ok()) {
    return {storeFailed(stored.error()), {}};
  }
  std::erase_if(*stored, [&](const control::EndpointConfig& e) { return e.name == parsed->name; });
  stored->push_back(*parsed);

  // The zone files decide the rest: no records of the same type at the name, no delegation.
  if (auto s = addApiEndpoints(*loaded, *std::move(stored), OnClash::kFail); !s.ok()) {
    const std::string prefix = apiEndpointLabel(parsed->name) + ": ";
    if (s.error().message.starts_with(prefix)) {
      config::FieldError error = config::splitFieldError(s.error().message.substr(prefix.size()));
      return {refuse(EditOutcome::kInvalid, std::move(error.field), std::move(error.reason)), {}};
    }
    return {refuse(EditOutcome::kNotApplied, "", "nothing was changed: " + s.error().message), {}};
  }
  return {std::nullopt, *std::move(parsed)};
}

// Reloads with the store as written; on failure puts `undo` back and says so.
EditResult applyOrUndo(UpState& state, const std::string& name, store::TxnRequest undo) {
  const Status applied = reloadUp(state);
  if (applied.ok()) {
    publishAdminView(state.config, state.api_endpoints);
    return EditResult{EditOutcome::kDone, {}, {}, name};
  }
  auto undone = state.store->txn(undo);
  const bool restored = undone.ok() && undone->succeeded;
  logger().error("endpoint change not applied", {{"endpoint.name", name},
                                                 {"error.message", applied.error().message},
                                                 {"store.restored", restored}});
  return refuse(EditOutcome::kNotApplied, "",
                "not applied: " + applied.error().message +
                    (restored ? "; the store change was undone"
                              : "; undoing the store change failed too: restart holdfast up"));
}

// A transaction that restores a definition to `value` (empty: deletes it) if it is still at
// `revision`.
store::TxnRequest undoTo(const std::string& name,
                         store::Revision revision,
                         std::optional<std::string> value) {
  const std::string key = control::definitionKey(name);
  store::TxnRequest undo;
  undo.compares.push_back(store::Compare::modRevisionIs(key, revision));
  undo.success.push_back(value ? store::Op::put(key, *std::move(value)) : store::Op::del(key));
  return undo;
}

}  // namespace

Result<std::vector<control::EndpointConfig>> storedEndpoints(store::Store& store,
                                                             const config::Config& config) {
  auto definitions = control::readDefinitions(store);
  if (!definitions.ok()) {
    return definitions.error();
  }
  std::vector<control::EndpointConfig> out;
  for (const control::StoredDefinition& d : *definitions) {
    auto endpoint = decodeRecord(d.value, config);
    std::string problem;
    if (!endpoint.ok()) {
      problem = endpoint.error().message;
    } else if (endpoint->name != d.name) {
      problem = "the definition names " + endpoint->name;
    } else if (definedInFile(config, d.name)) {
      problem = "the configuration file defines the same name";
    }
    if (!problem.empty()) {
      logger().error(
          "endpoint made through the admin API does not fit the configuration; not served",
          {{"endpoint.name", d.name}, {"error.message", problem}});
      continue;
    }
    out.push_back(*std::move(endpoint));
  }
  return out;
}

EditResult UpEndpointEditor::create(const std::string& definition, const std::string& by) {
  const std::lock_guard lock(state_.mutex);
  Candidate candidate = checkCandidate(state_, definition);
  if (candidate.refusal) {
    return *candidate.refusal;
  }
  const std::string name = candidate.endpoint.name;

  auto written = control::createDefinition(*state_.store, name, encodeRecord(definition, by));
  if (!written.ok()) {
    return storeFailed(written.error());
  }
  if (!written->written) {
    return refuse(EditOutcome::kConflict, "name", "an endpoint named " + name + " exists");
  }
  logger().info("endpoint created through the admin API", {{"endpoint.name", name}, {"by", by}});
  return applyOrUndo(state_, name, undoTo(name, written->revision, std::nullopt));
}

EditResult UpEndpointEditor::update(const std::string& path_name,
                                    const std::string& definition,
                                    const std::string& by) {
  const std::lock_guard lock(state_.mutex);
  const std::string name = normalized(path_name);
  if (definedInFile(state_.config, name) && !state_.api_endpoints.contains(name)) {
    return inFile(state_.config, name);
  }
  auto existing = control::readDefinition(*state_.store, name);
  if (!existing.ok()) {
    return storeFailed(existing.error());
  }
  if (!existing->has_value()) {
    return refuse(EditOutcome::kNotFound, "endpoint",
                  "no endpoint named '" + path_name + "' was created through the API");
  }
  Candidate candidate = checkCandidate(state_, definition);
  if (candidate.refusal) {
    return *candidate.refusal;
  }
  if (candidate.endpoint.name != name) {
    return refuse(EditOutcome::kInvalid, "name",
                  candidate.endpoint.name + " does not match the name in the path, " + name);
  }

  const control::StoredDefinition& old = **existing;
  auto written = control::replaceDefinition(*state_.store, name, encodeRecord(definition, by),
                                            old.mod_revision);
  if (!written.ok()) {
    return storeFailed(written.error());
  }
  if (!written->written) {
    return refuse(EditOutcome::kConflict, "name", name + " was changed meanwhile; read it again");
  }
  logger().info("endpoint replaced through the admin API", {{"endpoint.name", name}, {"by", by}});
  return applyOrUndo(state_, name, undoTo(name, written->revision, old.value));
}

EditResult UpEndpointEditor::remove(const std::string& path_name, const std::string& by) {
  const std::lock_guard lock(state_.mutex);
  const std::string name = normalized(path_name);
  if (definedInFile(state_.config, name) && !state_.api_endpoints.contains(name)) {
    return inFile(state_.config, name);
  }
  auto existing = control::readDefinition(*state_.store, name);
  if (!existing.ok()) {
    return storeFailed(existing.error());
  }
  if (!existing->has_value()) {
    return refuse(EditOutcome::kNotFound, "endpoint",
                  "no endpoint named '" + path_name + "' was created through the API");
  }

  const control::StoredDefinition& old = **existing;
  auto written = control::deleteDefinition(*state_.store, name, old.mod_revision);
  if (!written.ok()) {
    return storeFailed(written.error());
  }
  if (!written->written) {
    return refuse(EditOutcome::kConflict, "name", name + " was changed meanwhile; read it again");
  }
  logger().info("endpoint deleted through the admin API", {{"endpoint.name", name}, {"by", by}});
  // The delete's revision is the key's mod_revision compare target: a deleted key has 0.
  EditResult result = applyOrUndo(state_, name, undoTo(name, 0, old.value));
  if (result.outcome == EditOutcome::kDone) {
    // The endpoint no longer runs: its published record and plans go too (a later create of
    // the name drops them anyway, so a failure here only leaves garbage).
    if (auto forgot = control::forgetEndpointState(*state_.store, name); !forgot.ok()) {
      logger().warn("state of the deleted endpoint left in the store",
                    {{"endpoint.name", name}, {"error.message", forgot.error().message}});
    }
  }
  return result;
}

}  // namespace holdfast::cli
