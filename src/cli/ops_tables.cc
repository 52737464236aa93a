// Tables and reports of plan show, plan diff, apply --dry-run and history.
#include "cli/ops_tables.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace holdfast::cli {

namespace {

using nlohmann::json;

std::string joined(const json& items, std::string_view sign, std::string_view separator) {
  std::string out;
  for (const json& item : items) {
    out +=
        (out.empty() ? "" : std::string(separator)) + std::string(sign) + item.get<std::string>();
  }
  return out;
}

std::string number(const json& value) {
  return std::to_string(value.get<std::uint64_t>());
}

}  // namespace

void printTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    widths[c] = header[c].size();
    for (const auto& row : rows) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  const auto print = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      line += last ? cells[c] : fmt::format("{:<{}}  ", cells[c], widths[c]);
    }
    std::printf("%s\n", line.c_str());
  };
  print(header);
  for (const auto& row : rows) {
    print(row);
  }
}

std::string formatTimeMs(std::int64_t ms) {
  const std::chrono::system_clock::time_point at{std::chrono::milliseconds(ms)};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(at)));
}

std::string describeChange(const json& added, const json& removed) {
  if (added.empty() && removed.empty()) {
    return "none";
  }
  const std::string plus = joined(added, "+", " ");
  const std::string minus = joined(removed, "-", " ");
  return plus + (plus.empty() || minus.empty() ? "" : " ") + minus;
}

std::string describePause(const json& record) {
  if (!record.is_object()) {
    return "-";
  }
  return fmt::format("{} at {}: {}", record["by"].get<std::string>(),
                     formatTimeMs(record["at_ms"].get<std::int64_t>()),
                     record["reason"].get<std::string>());
}

void printPlans(const json& answer) {
  const json plans = answer.contains("plans") ? answer["plans"] : json::array({answer});
  std::vector<std::vector<std::string>> rows;
  for (const json& p : plans) {
    if (!p["valid"].get<bool>()) {
      rows.push_back(
          {number(p["generation"]), "no", "-", "-", "-", p["problem"].get<std::string>()});
      continue;
    }
    rows.push_back({number(p["generation"]), p["fail_open"].get<bool>() ? "fail-open" : "yes",
                    number(p["ttl"]), p["created_by"].get<std::string>(),
                    joined(p["addresses"], "", ", "), p["reason"].get<std::string>()});
  }
  printTable({"GEN", "VALID", "TTL", "BY", "ADDRESSES", "REASON"}, rows);
}

void printReview(const json& r) {
  std::printf("endpoint   %s\n", r["endpoint"].get<std::string>().c_str());
  const std::uint64_t published = r["published_generation"].get<std::uint64_t>();
  if (published > 0) {
    std::printf("published  generation %llu: %zu address(es) [%s]\n",
                static_cast<unsigned long long>(published), r["published_addresses"].size(),
                joined(r["published_addresses"], "", " ").c_str());
  } else {
    std::printf("published  nothing yet\n");
  }
  const std::uint64_t plan = r["plan_generation"].get<std::uint64_t>();
  if (plan > 0) {
    const std::string reason = r["plan_reason"].get<std::string>();
    std::printf("newest     generation %llu: %zu address(es) [%s]%s%s\n",
                static_cast<unsigned long long>(plan), r["plan_addresses"].size(),
                joined(r["plan_addresses"], "", " ").c_str(), reason.empty() ? "" : " -- ",
                reason.c_str());
    std::printf("diff       %s (%zu added, %zu removed)\n",
                describeChange(r["added"], r["removed"]).c_str(), r["added"].size(),
                r["removed"].size());
  } else {
    std::printf("newest     no valid plan\n");
  }
  std::printf("budget     at most %llu address(es) removed per publish\n",
              static_cast<unsigned long long>(r["allowed_removals"].get<std::uint64_t>()));
  std::string paused;
  for (const auto& [scope, key] :
       {std::pair{"everything", "global"}, std::pair{"this endpoint", "endpoint"}}) {
    if (r["pause"][key].is_object()) {
      paused += fmt::format("{}{} paused by {}", paused.empty() ? "" : "; ", scope,
                            describePause(r["pause"][key]));
    }
  }
  std::printf("paused     %s\n", paused.empty() ? "no" : paused.c_str());
  std::printf("verdict    %s\n", r["verdict"].get<std::string>().c_str());
}

void printHistory(const std::vector<json>& answers) {
  const bool several = answers.size() > 1;
  std::vector<std::vector<std::string>> rows;
  for (const json& answer : answers) {
    for (const json& e : answer["entries"]) {
      std::vector<std::string> row{
          formatTimeMs(e["applied_at_ms"].get<std::int64_t>()),
          number(e["serial_offset"]),
          e["by"].get<std::string>(),
          number(e["old_generation"]) + " -> " + number(e["new_generation"]),
          describeChange(e["added"], e["removed"]),
          e["why"].get<std::string>()};
      if (several) {
        row.insert(row.begin(), answer["endpoint"].get<std::string>());
      }
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::string> header{"WHEN", "SERIAL", "BY", "GENERATION", "CHANGE", "WHY"};
  if (several) {
    header.insert(header.begin(), "ENDPOINT");
  }
  printTable(header, rows);
}

}  // namespace holdfast::cli
