// Tests of the endpoint definition transactions over the in-memory store.
#include "control/endpoint_defs.h"

#include <gtest/gtest.h>

#include "control/records.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

TEST(EndpointDefsTest, CreateWritesOnlyWhenTheNameIsFree) {
  store::MemoryStore store;
  const auto first = createDefinition(store, "a.example.test.", "{\"v\":1}");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->written);
  EXPECT_GT(first->revision, 0);

  const auto second = createDefinition(store, "a.example.test.", "{\"v\":2}");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->written);
  const auto read = readDefinition(store, "a.example.test.");
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->value, "{\"v\":1}");
  EXPECT_EQ((*read)->mod_revision, first->revision);
}

TEST(EndpointDefsTest, ACreatedEndpointStartsFromNothingPublished) {
  store::MemoryStore store;
  const std::string name = "a.example.test.";
  // What an earlier endpoint of the same name left behind.
  ASSERT_TRUE(store.put(publishedKey(name), "old published").ok());
  ASSERT_TRUE(store.put(latestKey(name), "old latest").ok());
  ASSERT_TRUE(store.put(healthPrefix(name) + "127.0.0.7", "old health").ok());
  ASSERT_TRUE(store.put(publishedKey("a.example.test.b."), "another endpoint").ok());

  const auto created = createDefinition(store, name, "{}");
  ASSERT_TRUE(created.ok() && created->written);
  EXPECT_FALSE(store.get(publishedKey(name))->kv);
  EXPECT_TRUE(store.range(planPrefix(name))->kvs.empty());
  EXPECT_TRUE(store.range(healthPrefix(name))->kvs.empty());
  EXPECT_TRUE(store.get(publishedKey("a.example.test.b."))->kv);

  // While the definition exists, nothing of it is forgotten; once deleted, all of it.
  ASSERT_TRUE(store.put(publishedKey(name), "new published").ok());
  ASSERT_TRUE(forgetEndpointState(store, name).ok());
  EXPECT_TRUE(store.get(publishedKey(name))->kv);
  ASSERT_TRUE(deleteDefinition(store, name, readDefinition(store, name).value()->mod_revision)
                  .value()
                  .written);
  ASSERT_TRUE(forgetEndpointState(store, name).ok());
  EXPECT_FALSE(store.get(publishedKey(name))->kv);
  EXPECT_TRUE(store.get(publishedKey("a.example.test.b."))->kv);
}

TEST(EndpointDefsTest, ReplaceAndDeleteCompareTheModRevision) {
  store::MemoryStore store;
  const auto created = createDefinition(store, "a.example.test.", "one");
  ASSERT_TRUE(created.ok() && created->written);

  const auto replaced = replaceDefinition(store, "a.example.test.", "two", created->revision);
  ASSERT_TRUE(replaced.ok());
  EXPECT_TRUE(replaced->written);
  // A writer that read before the replace loses.
  const auto stale = replaceDefinition(store, "a.example.test.", "three", created->revision);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->written);
  const auto stale_delete = deleteDefinition(store, "a.example.test.", created->revision);
  ASSERT_TRUE(stale_delete.ok());
  EXPECT_FALSE(stale_delete->written);
  EXPECT_EQ(readDefinition(store, "a.example.test.").value()->value, "two");

  const auto deleted = deleteDefinition(store, "a.example.test.", replaced->revision);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->written);
  EXPECT_FALSE(readDefinition(store, "a.example.test.").value().has_value());
}

TEST(EndpointDefsTest, ReadsEveryDefinitionByName) {
  store::MemoryStore store;
  ASSERT_TRUE(createDefinition(store, "b.example.test.", "b").value().written);
  ASSERT_TRUE(createDefinition(store, "a.example.test.", "a").value().written);
  ASSERT_TRUE(store.put("defs/other", "x").ok());
  const auto all = readDefinitions(store);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].name, "a.example.test.");
  EXPECT_EQ((*all)[0].value, "a");
  EXPECT_EQ((*all)[1].name, "b.example.test.");
}

}  // namespace
}  // namespace holdfast::control
