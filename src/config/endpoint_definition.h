// Endpoint definitions made through the admin API: the same keys and checks as an entry of the
// configuration file's `endpoints:` list, read from a JSON object.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "config/config.h"
#include "control/endpoint.h"

namespace holdfast::config {

// Where a definition error is: `field` is a path from the top of the JSON object
// ("backends[1]", "check.port"; "body" for the object itself), `reason` says what is wrong.
struct FieldError {
  std::string field;
  std::string reason;
};

// Splits a parseEndpointDefinition() error message into field and reason.
[[nodiscard]] FieldError splitFieldError(std::string_view message);

// Reads one definition from a JSON object with the keys of an `endpoints:` entry (name, type,
// ttl, backends, check, policy) and an optional "zone". The zone must be one of config.zones
// and the one that serves the name (the most specific enclosing zone); without "zone" that
// zone is chosen. Defaults (type A, ttl 30, control.policy) are those of the file. Then
// control::validate() checks it, as the loader does.
// Errors: kConfig, the message "<field>: <reason>" (see splitFieldError()).
[[nodiscard]] Result<control::EndpointConfig> parseEndpointDefinition(const std::string& json_text,
                                                                      const Config& config);

}  // namespace holdfast::config
