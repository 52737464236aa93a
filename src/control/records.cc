// Store keys and JSON codecs of the control plane records, over nlohmann::json.
#include "control/records.h"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "control/ip_address.h"

namespace holdfast::control {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kCounterDigits = 20;

// Reads typed fields of one JSON object and remembers the first problem, so a decoder reads
// straight through and reports once.
class FieldReader {
public:
  FieldReader(std::string_view record, std::string_view text) : record_(record) {
    json_ = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json_.is_discarded()) {
      fail("is not valid JSON");
    } else if (!json_.is_object()) {
      fail("is not a JSON object");
    }
  }

  std::uint64_t unsignedField(const char* key, std::uint64_t max) {
    const Json* field = find(key);
    if (field == nullptr) {
      return 0;
    }
    if (!field->is_number_unsigned() || field->get<std::uint64_t>() > max) {
      fail(std::string("field '") + key + "' must be an integer from 0 to " + std::to_string(max));
      return 0;
    }
    return field->get<std::uint64_t>();
  }

  std::int64_t integerField(const char* key) {
    const Json* field = find(key);
    if (field == nullptr) {
      return 0;
    }
    if (!field->is_number_integer()) {
      fail(std::string("field '") + key + "' must be an integer");
      return 0;
    }
    return field->get<std::int64_t>();
  }

  bool boolField(const char* key) {
    const Json* field = find(key);
    if (field == nullptr) {
      return false;
    }
    if (!field->is_boolean()) {
      fail(std::string("field '") + key + "' must be true or false");
      return false;
    }
    return field->get<bool>();
  }

  std::string stringField(const char* key) {
    const Json* field = find(key);
    if (field == nullptr) {
      return {};
    }
    if (!field->is_string()) {
      fail(std::string("field '") + key + "' must be a string");
      return {};
    }
    return field->get<std::string>();
  }

  // A string field that older records may lack: "" when absent.
  std::string optionalStringField(const char* key) {
    if (!ok() || json_.find(key) == json_.end()) {
      return {};
    }
    return stringField(key);
  }

  std::vector<std::string> stringsField(const char* key) {
    const Json* field = find(key);
    std::vector<std::string> out;
    if (field == nullptr) {
      return out;
    }
    if (!field->is_array()) {
      fail(std::string("field '") + key + "' must be an array of strings");
      return out;
    }
    for (const Json& item : *field) {
      if (!item.is_string()) {
        fail(std::string("field '") + key + "' must be an array of strings");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  // A non-empty list of distinct canonical addresses of `rrtype` (S1).
  std::vector<std::string> addressesField(const char* key, std::uint16_t rrtype) {
    std::vector<std::string> out = stringsField(key);
    if (!ok()) {
      return out;
    }
    if (out.empty()) {
      fail(std::string("field '") + key + "' must not be empty (S1)");
    }
    std::set<std::string> seen;
    for (const std::string& address : out) {
      auto canonical = canonicalAddress(address, rrtype);
      if (!canonical.ok() || *canonical != address || !seen.insert(address).second) {
        fail(std::string("field '") + key + "' holds '" + address +
             "', not a distinct canonical address of rrtype " + std::to_string(rrtype));
        break;
      }
    }
    return sortedAddresses(std::move(out));
  }

  std::uint16_t rrtypeField(const char* key) {
    const auto rrtype = static_cast<std::uint16_t>(unsignedField(key, 65535));
    if (ok() && rrtype != 1 && rrtype != 28) {
      fail(std::string("field '") + key + "' must be 1 (A) or 28 (AAAA)");
    }
    return rrtype;
  }

  void require(bool condition, const std::string& problem) {
    if (!condition) {
      fail(problem);
    }
  }

  [[nodiscard]] bool ok() const { return problem_.empty(); }

  template <typename T>
  Result<T> finish(T value) const {
    if (!ok()) {
      return makeError(Errc::kParse, std::string(record_) + " record " + problem_);
    }
    return value;
  }

private:
  const Json* find(const char* key) {
    if (!ok()) {
      return nullptr;
    }
    const auto it = json_.find(key);
    if (it == json_.end()) {
      fail(std::string("lacks field '") + key + "'");
      return nullptr;
    }
    return &*it;
  }

  void fail(std::string problem) {
    if (problem_.empty()) {
      problem_ = std::move(problem);
    }
  }

  std::string_view record_;
  Json json_;
  std::string problem_;
};

constexpr std::uint64_t kMaxUnsigned = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMaxTtl = std::numeric_limits<std::uint32_t>::max();

}  // namespace

std::string formatCounter(std::uint64_t value) {
  std::string digits = std::to_string(value);
  return std::string(kCounterDigits - digits.size(), '0') + digits;
}

std::string healthPrefix(std::string_view endpoint) {
  return std::string(kHealthPrefix) + std::string(endpoint) + "/";
}

std::string healthKey(std::string_view endpoint, std::string_view address) {
  return healthPrefix(endpoint) + std::string(address);
}

std::string planPrefix(std::string_view endpoint) {
  return std::string(kPlansPrefix) + std::string(endpoint) + "/";
}

std::string planKey(std::string_view endpoint, Generation generation) {
  return planPrefix(endpoint) + formatCounter(generation);
}

std::string latestKey(std::string_view endpoint) {
  return planPrefix(endpoint) + "latest";
}

std::string publishedKey(std::string_view endpoint) {
  return std::string(kPublishedPrefix) + std::string(endpoint);
}

std::string serialKey(std::string_view zone) {
  return std::string(kZonesPrefix) + std::string(zone) + "/serial";
}

std::string journalPrefix(std::string_view zone) {
  return std::string(kJournalPrefix) + std::string(zone) + "/";
}

std::string journalKey(std::string_view zone, std::uint64_t offset) {
  return journalPrefix(zone) + formatCounter(offset);
}

std::string pausedKey(std::string_view endpoint) {
  return std::string(kPausedKey) + "/" + std::string(endpoint);
}

std::optional<std::uint64_t> parseCounterKey(std::string_view prefix, std::string_view key) {
  if (!key.starts_with(prefix) || key.size() != prefix.size() + kCounterDigits) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : key.substr(prefix.size())) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMaxUnsigned - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

std::optional<Generation> parsePlanKey(std::string_view endpoint, std::string_view key) {
  return parseCounterKey(planPrefix(endpoint), key);
}

std::string encodeHealth(const HealthRecord& record) {
  return Json{{"healthy", record.healthy},
              {"checked_at_ms", record.checked_at_ms},
              {"reason", record.reason}}
      .dump();
}

Result<HealthRecord> decodeHealth(std::string_view text) {
  FieldReader reader("health", text);
  HealthRecord record;
  record.healthy = reader.boolField("healthy");
  record.checked_at_ms = reader.integerField("checked_at_ms");
  record.reason = reader.stringField("reason");
  return reader.finish(std::move(record));
}

std::string encodePlan(const Plan& plan) {
  return Json{{"generation", plan.generation}, {"endpoint", plan.endpoint},
              {"rrtype", plan.rrtype},         {"ttl", plan.ttl},
              {"addresses", plan.addresses},   {"created_by", plan.created_by},
              {"fail_open", plan.fail_open},   {"reason", plan.reason}}
      .dump();
}

Result<Plan> decodePlan(std::string_view text) {
  FieldReader reader("plan", text);
  Plan plan;
  plan.generation = reader.unsignedField("generation", kMaxUnsigned);
  reader.require(plan.generation > 0, "field 'generation' must be at least 1");
  plan.endpoint = reader.stringField("endpoint");
  reader.require(!plan.endpoint.empty(), "field 'endpoint' must not be empty");
  plan.rrtype = reader.rrtypeField("rrtype");
  plan.ttl = static_cast<std::uint32_t>(reader.unsignedField("ttl", kMaxTtl));
  plan.addresses = reader.addressesField("addresses", plan.rrtype);
  plan.created_by = reader.stringField("created_by");
  plan.fail_open = reader.boolField("fail_open");
  plan.reason = reader.optionalStringField("reason");
  return reader.finish(std::move(plan));
}

std::string encodeLatest(const LatestRecord& record) {
  return Json{{"generation", record.generation}}.dump();
}

Result<LatestRecord> decodeLatest(std::string_view text) {
  FieldReader reader("latest", text);
  LatestRecord record;
  record.generation = reader.unsignedField("generation", kMaxUnsigned);
  reader.require(record.generation > 0, "field 'generation' must be at least 1");
  return reader.finish(record);
}

std::string encodePublished(const PublishedRecord& record) {
  return Json{{"generation", record.generation}, {"zone", record.zone},
              {"rrtype", record.rrtype},         {"ttl", record.ttl},
              {"addresses", record.addresses},   {"applied_by", record.applied_by}}
      .dump();
}

Result<PublishedRecord> decodePublished(std::string_view text) {
  FieldReader reader("published", text);
  PublishedRecord record;
  record.generation = reader.unsignedField("generation", kMaxUnsigned);
  reader.require(record.generation > 0, "field 'generation' must be at least 1");
  record.zone = reader.stringField("zone");
  reader.require(!record.zone.empty(), "field 'zone' must not be empty");
  record.rrtype = reader.rrtypeField("rrtype");
  record.ttl = static_cast<std::uint32_t>(reader.unsignedField("ttl", kMaxTtl));
  record.addresses = reader.addressesField("addresses", record.rrtype);
  record.applied_by = reader.stringField("applied_by");
  return reader.finish(std::move(record));
}

std::string encodeSerial(const SerialRecord& record) {
  return Json{{"serial_offset", record.serial_offset}}.dump();
}

Result<SerialRecord> decodeSerial(std::string_view text) {
  FieldReader reader("serial", text);
  SerialRecord record;
  record.serial_offset = reader.unsignedField("serial_offset", kMaxUnsigned);
  return reader.finish(record);
}

std::string encodeJournal(const JournalEntry& entry) {
  return Json{{"endpoint", entry.endpoint},
              {"old_generation", entry.old_generation},
              {"new_generation", entry.new_generation},
              {"added", entry.added},
              {"removed", entry.removed},
              {"enactor", entry.enactor},
              {"applied_at_ms", entry.applied_at_ms},
              {"why", entry.why}}
      .dump();
}

Result<JournalEntry> decodeJournal(std::string_view text) {
  FieldReader reader("journal", text);
  JournalEntry entry;
  entry.endpoint = reader.stringField("endpoint");
  entry.old_generation = reader.unsignedField("old_generation", kMaxUnsigned);
  entry.new_generation = reader.unsignedField("new_generation", kMaxUnsigned);
  entry.added = reader.stringsField("added");
  entry.removed = reader.stringsField("removed");
  entry.enactor = reader.stringField("enactor");
  entry.applied_at_ms = reader.integerField("applied_at_ms");
  entry.why = reader.optionalStringField("why");
  return reader.finish(std::move(entry));
}

std::string encodePause(const PauseRecord& record) {
  return Json{{"by", record.by}, {"at_ms", record.at_ms}, {"reason", record.reason}}.dump();
}

Result<PauseRecord> decodePause(std::string_view text) {
  FieldReader reader("pause", text);
  PauseRecord record;
  record.by = reader.stringField("by");
  record.at_ms = reader.integerField("at_ms");
  record.reason = reader.stringField("reason");
  return reader.finish(std::move(record));
}

}  // namespace holdfast::control
