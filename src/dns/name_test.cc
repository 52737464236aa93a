// Tests for Name: parsing, printing, case-insensitive comparison and canonical order.
#include "dns/name.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace holdfast::dns {
namespace {

Name name(std::string_view text) {
  auto result = Name::fromText(text);
  EXPECT_TRUE(result.ok()) << text;
  return result.ok() ? result.value() : Name();
}

TEST(NameTest, DefaultIsRoot) {
  const Name root;
  EXPECT_TRUE(root.isRoot());
  EXPECT_EQ(root.toText(), ".");
  EXPECT_EQ(root.labelCount(), 0u);
  EXPECT_EQ(root.wire().size(), 1u);
}

TEST(NameTest, ParsesAbsoluteAndRelativeTextAlike) {
  EXPECT_EQ(name("www.Example.TEST").toText(), "www.Example.TEST.");
  EXPECT_EQ(name("www.example.test.").wire().size(), 18u);
  EXPECT_EQ(name("www.example.test"), name("www.example.test."));
  EXPECT_EQ(name(".").toText(), ".");
}

TEST(NameTest, HandlesEscapes) {
  const Name escaped = name("a\\.b.example.test.");
  EXPECT_EQ(escaped.labelCount(), 3u);
  EXPECT_EQ(escaped.toText(), "a\\.b.example.test.");
  EXPECT_EQ(name("\\065bc.test.").toText(), "Abc.test.");
}

TEST(NameTest, RejectsMalformedText) {
  const std::vector<std::string> texts = {
      "", "a..b", ".a", "a..", std::string(64, 'a') + ".test", std::string("a\0b", 3)};
  for (const std::string& text : texts) {
    auto result = Name::fromText(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_EQ(result.error().code, Errc::kParse);
  }
  std::string long_name;
  for (int i = 0; i < 60; ++i) {
    long_name += "abcd.";
  }
  EXPECT_FALSE(Name::fromText(long_name).ok());
}

TEST(NameTest, FromWireChecksForm) {
  const std::vector<std::uint8_t> good = {3, 'w', 'w', 'w', 4, 't', 'e', 's', 't', 0};
  auto parsed = Name::fromWire(good);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->toText(), "www.test.");

  const std::vector<std::uint8_t> truncated = {3, 'w', 'w'};
  const std::vector<std::uint8_t> pointer = {0xc0, 0x0c};
  const std::vector<std::uint8_t> trailing = {1, 'a', 0, 0};
  EXPECT_FALSE(Name::fromWire(truncated).ok());
  EXPECT_FALSE(Name::fromWire(pointer).ok());
  EXPECT_FALSE(Name::fromWire(trailing).ok());
  EXPECT_FALSE(Name::fromWire({}).ok());
}

TEST(NameTest, ComparesIgnoringCase) {
  EXPECT_EQ(name("WWW.example.TEST."), name("www.EXAMPLE.test."));
  EXPECT_NE(name("www1.example.test."), name("www.example.test."));
  EXPECT_EQ(name("WwW.Test.").toLower().toText(), "www.test.");
}

TEST(NameTest, CountsLabelsAndFindsParent) {
  const Name www = name("www.example.test.");
  EXPECT_EQ(www.labelCount(), 3u);
  EXPECT_EQ(www.parent(), name("example.test."));
  EXPECT_TRUE(www.parent().parent().parent().isRoot());
  EXPECT_TRUE(Name().parent().isRoot());
}

TEST(NameTest, SubdomainIncludesItselfAndIgnoresCase) {
  const Name apex = name("example.test.");
  EXPECT_TRUE(name("www.EXAMPLE.test.").isSubdomainOf(apex));
  EXPECT_TRUE(apex.isSubdomainOf(apex));
  EXPECT_TRUE(apex.isSubdomainOf(Name()));
  EXPECT_FALSE(name("test.").isSubdomainOf(apex));
  EXPECT_FALSE(name("wwwexample.test.").isSubdomainOf(apex));
  EXPECT_FALSE(name("example.test2.").isSubdomainOf(apex));
}

TEST(NameTest, SortsCanonically) {
  // The example order of RFC 4034 section 6.1.
  const std::vector<std::string> expected = {
      "example.",   "a.example.",       "yljkjljk.a.example.", "Z.a.example.",    "zABC.a.EXAMPLE.",
      "z.example.", "\\001.z.example.", "*.z.example.",        "\\200.z.example."};
  std::vector<Name> names;
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) {
    names.push_back(name(*it));
  }
  std::sort(names.begin(), names.end());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(names[i].toText(), expected[i]) << i;
  }
}

TEST(NameTest, RecognisesWildcardsRfc4592Section2_1_1) {
  EXPECT_TRUE(name("*.example.test.").isWildcard());
  EXPECT_FALSE(name("a*.example.test.").isWildcard());
  EXPECT_FALSE(name("a.*.example.test.").isWildcard());
  EXPECT_FALSE(name(".").isWildcard());
}

// RFC 6672 section 2.2: DNAME substitution keeps the labels in front of the owner.
TEST(NameTest, ReplacesSuffixesAsDnameDoes) {
  EXPECT_EQ(name("WWW.Old.test.").replaceSuffix(name("old.test."), name("new.example."))->toText(),
            "WWW.new.example.");
  EXPECT_EQ(name("old.test.").replaceSuffix(name("old.test."), name("x."))->toText(), "x.");
  EXPECT_FALSE(name("test.").replaceSuffix(name("old.test."), name("x.")).has_value());

  // 255 octets is the limit (RFC 1035 section 2.3.4).
  const std::string label(63, 'a');
  const Name target = name(label + "." + label + "." + label + ".");  // 193 octets
  const Name fits = name(std::string(59, 'b') + ".d.");               // 59 + 1 in front of d.
  ASSERT_TRUE(fits.replaceSuffix(name("d."), target).has_value());
  EXPECT_EQ(fits.replaceSuffix(name("d."), target)->wire().size(), 253u);
  EXPECT_FALSE(name(std::string(62, 'b') + ".d.").replaceSuffix(name("d."), target).has_value());
}

}  // namespace
}  // namespace holdfast::dns
