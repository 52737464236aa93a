// Tests of the store layout and the record codecs: exact keys, round trips, corrupt input.
#include "control/records.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace holdfast::control {
namespace {

using Json = nlohmann::json;

Plan samplePlan() {
  return Plan{7, "api.example.test.", 1, 30, {"127.0.0.2", "127.0.0.3"}, "planner", false};
}

PublishedRecord samplePublished() {
  return PublishedRecord{7, "example.test.", 1, 30, {"127.0.0.2", "127.0.0.3"}, "enactor-2"};
}

TEST(RecordKeys, FollowTheLayout) {
  EXPECT_EQ(healthKey("api.example.test.", "127.0.0.2"), "health/api.example.test./127.0.0.2");
  EXPECT_EQ(planKey("api.example.test.", 7), "plans/api.example.test./00000000000000000007");
  EXPECT_EQ(latestKey("api.example.test."), "plans/api.example.test./latest");
  EXPECT_EQ(publishedKey("api.example.test."), "published/api.example.test.");
  EXPECT_EQ(serialKey("example.test."), "zones/example.test./serial");
  EXPECT_EQ(journalKey("example.test.", 12), "journal/example.test./00000000000000000012");
  EXPECT_EQ(formatCounter(18446744073709551615ULL), "18446744073709551615");
}

TEST(RecordKeys, ParsePlanKeys) {
  const std::string e = "api.example.test.";
  EXPECT_EQ(parsePlanKey(e, planKey(e, 42)), 42U);
  EXPECT_EQ(parsePlanKey(e, "plans/api.example.test./18446744073709551615"),
            18446744073709551615ULL);
  EXPECT_EQ(parsePlanKey(e, latestKey(e)), std::nullopt);
  EXPECT_EQ(parsePlanKey(e, "plans/api.example.test./0000000000000000007"), std::nullopt);
  EXPECT_EQ(parsePlanKey(e, "plans/api.example.test./99999999999999999999"), std::nullopt);
  EXPECT_EQ(parsePlanKey(e, "plans/api.example.test./0000000000000000000x"), std::nullopt);
  EXPECT_EQ(parsePlanKey(e, planKey("x.api.example.test.", 1)), std::nullopt);
}

TEST(RecordCodecs, RoundTrip) {
  const HealthRecord health{true, 1760942880000, "connected"};
  EXPECT_EQ(*decodeHealth(encodeHealth(health)), health);
  EXPECT_EQ(*decodePlan(encodePlan(samplePlan())), samplePlan());
  EXPECT_EQ(*decodeLatest(encodeLatest(LatestRecord{9})), LatestRecord{9});
  EXPECT_EQ(*decodePublished(encodePublished(samplePublished())), samplePublished());
  EXPECT_EQ(*decodeSerial(encodeSerial(SerialRecord{3})), SerialRecord{3});
  const JournalEntry entry{
      "api.example.test.", 6, 7, {"127.0.0.3"}, {"127.0.0.9"}, "enactor-1", 1760942880000,
      "2 of 3 healthy"};
  EXPECT_EQ(*decodeJournal(encodeJournal(entry)), entry);
  const PauseRecord pause{"operator:alice", 1760942880000, "incident 42"};
  EXPECT_EQ(*decodePause(encodePause(pause)), pause);

  Plan v6{1, "v6.example.test.", 28, 60, {"2001:db8::1", "::1"}, "planner", true};
  EXPECT_EQ(*decodePlan(encodePlan(v6)), v6);
}

TEST(RecordCodecs, WriteTheAgreedJson) {
  EXPECT_EQ(Json::parse(encodePublished(samplePublished())),
            Json::parse(R"({"generation":7,"zone":"example.test.","rrtype":1,"ttl":30,
                            "addresses":["127.0.0.2","127.0.0.3"],"applied_by":"enactor-2"})"));
  EXPECT_EQ(Json::parse(encodePlan(samplePlan())),
            Json::parse(R"({"generation":7,"endpoint":"api.example.test.","rrtype":1,"ttl":30,
                            "addresses":["127.0.0.2","127.0.0.3"],"created_by":"planner",
                            "fail_open":false,"reason":""})"));
  EXPECT_EQ(encodeLatest(LatestRecord{7}), R"({"generation":7})");
  EXPECT_EQ(encodeSerial(SerialRecord{4}), R"({"serial_offset":4})");
}

TEST(RecordCodecs, ReadRecordsWrittenBeforeReasonsExisted) {
  auto plan = decodePlan(R"({"generation":1,"endpoint":"a.","rrtype":1,"ttl":5,
      "addresses":["127.0.0.1"],"created_by":"x","fail_open":false})");
  ASSERT_TRUE(plan.ok()) << plan.error().toString();
  EXPECT_EQ(plan->reason, "");
  auto entry = decodeJournal(R"({"endpoint":"a.","old_generation":1,"new_generation":2,
      "added":[],"removed":[],"enactor":"enactor-1","applied_at_ms":5})");
  ASSERT_TRUE(entry.ok()) << entry.error().toString();
  EXPECT_EQ(entry->why, "");
  EXPECT_FALSE(decodeJournal(R"({"endpoint":"a.","old_generation":1,"new_generation":2,
      "added":[],"removed":[],"enactor":"e","applied_at_ms":5,"why":7})")
                   .ok());
}

TEST(RecordCodecs, DecodersSortAddresses) {
  auto plan = decodePlan(R"({"generation":1,"endpoint":"a.","rrtype":1,"ttl":5,
      "addresses":["127.0.0.9","127.0.0.1"],"created_by":"x","fail_open":false})");
  ASSERT_TRUE(plan.ok()) << plan.error().toString();
  EXPECT_EQ(plan->addresses, (std::vector<std::string>{"127.0.0.1", "127.0.0.9"}));
}

void expectParseError(const Result<Plan>& result, std::string_view fragment) {
  ASSERT_FALSE(result.ok()) << "expected an error containing " << fragment;
  EXPECT_EQ(result.error().code, Errc::kParse);
  EXPECT_NE(result.error().message.find(fragment), std::string::npos) << result.error().message;
}

std::string planWith(const std::string& key, const Json& value) {
  Json plan = Json::parse(encodePlan(samplePlan()));
  plan[key] = value;
  return plan.dump();
}

TEST(RecordCodecs, RejectCorruptPlans) {
  expectParseError(decodePlan(""), "not valid JSON");
  expectParseError(decodePlan("{\"generation\":"), "not valid JSON");
  expectParseError(decodePlan("[1,2]"), "not a JSON object");
  expectParseError(decodePlan(R"({"generation":1})"), "lacks field 'endpoint'");
  expectParseError(decodePlan(planWith("generation", 0)), "'generation' must be at least 1");
  expectParseError(decodePlan(planWith("generation", -3)), "'generation' must be an integer");
  expectParseError(decodePlan(planWith("generation", "7")), "'generation' must be an integer");
  expectParseError(decodePlan(planWith("generation", 1.5)), "'generation' must be an integer");
  expectParseError(decodePlan(planWith("rrtype", 5)), "'rrtype' must be 1 (A) or 28 (AAAA)");
  expectParseError(decodePlan(planWith("ttl", 4294967296ULL)), "'ttl' must be an integer");
  expectParseError(decodePlan(planWith("addresses", Json::array())), "must not be empty (S1)");
  expectParseError(decodePlan(planWith("addresses", "127.0.0.2")), "array of strings");
  expectParseError(decodePlan(planWith("addresses", Json::array({1}))), "array of strings");
  expectParseError(decodePlan(planWith("addresses", Json::array({"::1"}))), "holds '::1'");
  expectParseError(decodePlan(planWith("addresses", Json::array({"127.0.0.2", "127.0.0.2"}))),
                   "not a distinct canonical address");
  expectParseError(decodePlan(planWith("addresses", Json::array({"127.000.0.2"}))),
                   "holds '127.000.0.2'");
  expectParseError(decodePlan(planWith("fail_open", "no")), "'fail_open' must be true or false");
  expectParseError(decodePlan(planWith("endpoint", "")), "'endpoint' must not be empty");
}

TEST(RecordCodecs, RejectEveryTruncation) {
  const std::string plan = encodePlan(samplePlan());
  for (std::size_t length = 0; length < plan.size(); ++length) {
    EXPECT_FALSE(decodePlan(plan.substr(0, length)).ok()) << length;
  }
  const std::string published = encodePublished(samplePublished());
  for (std::size_t length = 0; length < published.size(); ++length) {
    EXPECT_FALSE(decodePublished(published.substr(0, length)).ok()) << length;
  }
}

TEST(RecordCodecs, RejectCorruptOtherRecords) {
  PublishedRecord empty = samplePublished();
  empty.addresses.clear();
  auto published = decodePublished(encodePublished(empty));
  ASSERT_FALSE(published.ok());
  EXPECT_NE(published.error().message.find("S1"), std::string::npos);

  EXPECT_FALSE(decodeHealth(R"({"healthy":"yes","checked_at_ms":1,"reason":""})").ok());
  EXPECT_FALSE(decodeLatest(R"({"generation":0})").ok());
  EXPECT_FALSE(decodeLatest("null").ok());
  EXPECT_FALSE(decodeSerial(R"({"serial_offset":-1})").ok());
  EXPECT_FALSE(decodeJournal(R"({"endpoint":"a."})").ok());
  EXPECT_FALSE(decodePublished(R"({"generation":1,"zone":"","rrtype":1,"ttl":1,
      "addresses":["127.0.0.1"],"applied_by":"e"})")
                   .ok());
}

}  // namespace
}  // namespace holdfast::control
