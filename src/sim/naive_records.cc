// JSON codecs of the naive protocol's records.
#include "sim/naive_records.h"

#include <nlohmann/json.hpp>

namespace holdfast::sim {

namespace {

using Json = nlohmann::json;

Result<Json> parseObject(std::string_view text, std::string_view what) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return makeError(Errc::kParse, std::string(what) + " record is not a JSON object");
  }
  return json;
}

}  // namespace

std::string naiveActiveKey(std::string_view endpoint) {
  return "naive/active/" + std::string(endpoint);
}

std::string naiveLockKey(std::string_view endpoint) {
  return "naive/lock/" + std::string(endpoint);
}

std::string naiveRollbackKey(std::string_view endpoint) {
  return "naive/rollback/" + std::string(endpoint);
}

std::string encodeNaiveActive(const NaiveActive& active) {
  return Json{{"generation", active.generation}, {"checked_against", active.checked_against}}
      .dump();
}

Result<NaiveActive> decodeNaiveActive(std::string_view text) {
  auto json = parseObject(text, "naive active");
  if (!json.ok()) {
    return json.error();
  }
  const auto generation = json->find("generation");
  const auto checked = json->find("checked_against");
  if (generation == json->end() || !generation->is_number_unsigned() || checked == json->end() ||
      !checked->is_number_unsigned()) {
    return makeError(Errc::kParse, "naive active record lacks its generations");
  }
  return NaiveActive{generation->get<control::Generation>(), checked->get<control::Generation>()};
}

std::string encodeNaiveLock(const NaiveLock& lock) {
  return Json{{"holder", lock.holder}, {"expires_ms", lock.expires_ms}}.dump();
}

Result<NaiveLock> decodeNaiveLock(std::string_view text) {
  auto json = parseObject(text, "naive lock");
  if (!json.ok()) {
    return json.error();
  }
  const auto holder = json->find("holder");
  const auto expires = json->find("expires_ms");
  if (holder == json->end() || !holder->is_string() || expires == json->end() ||
      !expires->is_number_integer()) {
    return makeError(Errc::kParse, "naive lock record lacks holder or expiry");
  }
  return NaiveLock{holder->get<std::string>(), expires->get<std::int64_t>()};
}

}  // namespace holdfast::sim
