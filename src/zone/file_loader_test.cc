// Tests for loadZoneFiles: origins found in the files, all-or-nothing loading, errors with lines.
#include "zone/file_loader.h"

#include <stdlib.h>

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::ask;
using ::testing::ElementsAre;
using testing::makeQuery;
using testing::ParsedResponse;

class FileLoaderTest : public ::testing::Test {
protected:
  FileLoaderTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "holdfast-zone-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      dir_ = pattern;
    }
  }

  ~FileLoaderTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr const char* kWithOrigin =
    "$ORIGIN example.test.\n$TTL 60\n@ SOA ns h 7 2 3 4 5\n@ NS ns\nwww A 192.0.2.1\n";
constexpr const char* kAbsoluteSoa =
    "$TTL 60\nother.test. SOA ns.other.test. h.other.test. 9 2 3 4 5\nother.test. NS "
    "ns.other.test.\nwww.other.test. A 192.0.2.2\n";

TEST_F(FileLoaderTest, LoadsEachFileUnderItsOwnOrigin) {
  const auto a = write("a.zone", kWithOrigin);
  const auto b = write("b.zone", kAbsoluteSoa);
  auto loaded = loadZoneFiles({a, b}, {"nsid", "", ""});
  ASSERT_TRUE(loaded.ok()) << loaded.error().toString();
  ASSERT_EQ(loaded->zones.size(), 2u);
  EXPECT_EQ(loaded->zones[0].origin.toText(), "example.test.");
  EXPECT_EQ(loaded->zones[0].serial, 7u);
  EXPECT_EQ(loaded->zones[0].rrsets, 3u);
  EXPECT_EQ(loaded->zones[1].origin.toText(), "other.test.");
  EXPECT_EQ(loaded->zones[1].file, b);

  const auto& snapshot = *loaded->snapshot;
  EXPECT_EQ(snapshot.zoneCount(), 2u);
  EXPECT_EQ(std::string(snapshot.nsid().begin(), snapshot.nsid().end()), "nsid");
  const ParsedResponse response(ask(snapshot, makeQuery("www.other.test.", KNOT_RRTYPE_A)));
  EXPECT_THAT(response.answer(), ElementsAre("www.other.test. 60 A 192.0.2.2"));
}

TEST_F(FileLoaderTest, AnyBadFileFailsTheWholeLoadWithFileAndLine) {
  const auto good = write("a.zone", kWithOrigin);
  const auto bad = write("bad.zone",
                         "$ORIGIN bad.test.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n"
                         "@ NS ns\nwww A 192.0.2\n");
  auto loaded = loadZoneFiles({good, bad}, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message, bad.string() + ":5: invalid IPv4 address");

  const auto no_ns = write("nons.zone", "$ORIGIN nons.test.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n");
  EXPECT_THAT(loadZoneFiles({no_ns}, {}).error().message,
              ::testing::StartsWith(no_ns.string() + ":3: no NS records at the zone apex"));
}

TEST_F(FileLoaderTest, TheSameZoneTwiceIsAnError) {
  const auto a = write("a.zone", kWithOrigin);
  const auto b = write("b.zone", kWithOrigin);
  auto loaded = loadZoneFiles({a, b}, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, Errc::kConfig);
  EXPECT_EQ(loaded.error().message,
            b.string() + ": zone example.test. is already loaded from " + a.string());
}

}  // namespace
}  // namespace holdfast::zone
