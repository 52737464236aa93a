// Reads an endpoint definition of the admin API with the configuration file's endpoint reader.
#include "config/endpoint_definition.h"

#include <yaml-cpp/yaml.h>

#include "config/config_reader_internal.h"

namespace holdfast::config {

namespace {

Error fieldError(std::string_view field, const std::string& reason) {
  return makeError(Errc::kConfig, std::string(field) + ": " + reason);
}

// The "zone" member, when given: a zone of `config`, normalized. Empty when absent.
Result<std::string> readZone(const Reader& r, const YAML::Node& root, const Config& config) {
  if (!root["zone"]) {
    return std::string();
  }
  auto text = r.text(root["zone"], "zone");
  if (!text.ok()) {
    return text.error();
  }
  auto zone = normalizeName(*text);
  if (!zone.ok()) {
    return fieldError("zone", zone.error().message);
  }
  std::string served;
  for (const ZoneConfig& z : config.zones) {
    if (z.name == *zone) {
      return *zone;
    }
    served += served.empty() ? z.name : ", " + z.name;
  }
  return fieldError("zone", "'" + *zone + "' is not a zone this server serves (zones: " +
                                (served.empty() ? "none" : served) + ")");
}

}  // namespace

FieldError splitFieldError(std::string_view message) {
  const std::size_t colon = message.find(": ");
  if (colon == std::string_view::npos) {
    return {"body", std::string(message)};
  }
  return {std::string(message.substr(0, colon)), std::string(message.substr(colon + 2))};
}

Result<control::EndpointConfig> parseEndpointDefinition(const std::string& json_text,
                                                        const Config& config) {
  // JSON is YAML flow syntax, so the file's reader reads the body with the file's field names
  // and error texts. An empty file name makes errors "field: reason".
  const Reader reader("");
  auto loaded = loadTopMapping(json_text, "body");
  if (!loaded.ok()) {
    return fieldError("body", "expected a JSON object");
  }
  YAML::Node root = *loaded;
  auto zone = readZone(reader, root, config);
  if (!zone.ok()) {
    return zone.error();
  }
  root.remove("zone");

  auto endpoint = readEndpointEntry(reader, root, "", config);
  if (!endpoint.ok()) {
    return endpoint.error();
  }
  if (!zone->empty() && *zone != endpoint->zone) {
    return fieldError("zone",
                      endpoint->name + " is served by zone " + endpoint->zone + ", not " + *zone);
  }
  if (auto s = control::validate(*endpoint); !s.ok()) {
    return s.error();
  }
  return endpoint;
}

}  // namespace holdfast::config
