// Human output of the operator commands: the API's JSON answers as tables and short reports.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace holdfast::cli {

// Prints `rows` under `header`, each column as wide as its widest cell; the last column is not
// padded, so free text may end a row.
void printTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// An answer of GET .../plans (every plan kept) or .../plans/<gen> (one plan).
void printPlans(const nlohmann::json& answer);

// An answer of GET .../diff or of a dry-run apply: published, newest plan, diff, budget, pauses
// and the verdict, one "key  value" line each.
void printReview(const nlohmann::json& review);

// Answers of GET .../history, oldest first; with several endpoints, an ENDPOINT column too.
void printHistory(const std::vector<nlohmann::json>& answers);

// "2025-01-02T03:04:05Z" for milliseconds since the epoch.
[[nodiscard]] std::string formatTimeMs(std::int64_t ms);

// "+a +b -c", or "none".
[[nodiscard]] std::string describeChange(const nlohmann::json& added,
                                         const nlohmann::json& removed);

// "operator:ann at 2025-...Z: reason" of a pause record; "-" when null.
[[nodiscard]] std::string describePause(const nlohmann::json& record);

}  // namespace holdfast::cli
