// Tests for zone file loading: a good zone and every kind of error, with file and line.
#include "dns/zone_file.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/log.h"

namespace holdfast::dns {
namespace {

// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "holdfast-dns-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }

  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

const Name kOrigin = Name::fromText("example.test.").value();

constexpr const char* kHeader =
    "$TTL 300\n"                               // 1
    "@ IN SOA ns1 hostmaster (\n"              // 2
    "     2024010101 7200 900 1209600 60 )\n"  // 3
    "  IN NS ns1\n";                           // 4

class ZoneFileTest : public ::testing::Test {
protected:
  std::filesystem::path write(const std::string& text, const std::string& file = "zone") {
    const auto path = dir_.path() / file;
    std::ofstream(path) << text;
    return path;
  }

  // Loads `body` after the standard header and returns the error message ("" on success).
  std::string errorOf(const std::string& body) {
    const auto path = write(std::string(kHeader) + body);
    auto result = loadZoneFile(path, kOrigin);
    return result.ok() ? std::string() : result.error().message;
  }

  std::string at(int line) const {
    return (dir_.path() / "zone").string() + ":" + std::to_string(line);
  }

  TempDir dir_;
};

TEST_F(ZoneFileTest, LoadsGoodZone) {
  const auto path = write(std::string(kHeader) +
                          "ns1      IN A     192.0.2.1\n"
                          "WWW      IN A     192.0.2.2 ; comment\n"
                          "www      IN A     192.0.2.3\n"
                          "www 60   IN AAAA  2001:db8::1\n"
                          "mail     IN CNAME www\n"
                          "a.b.c    IN TXT   \"deep\"\n"
                          "@        IN MX    10 mail\n");
  auto zone = loadZoneFile(path, kOrigin);
  ASSERT_TRUE(zone.ok()) << zone.error().toString();

  EXPECT_EQ(zone->origin, kOrigin);
  EXPECT_EQ(zone->soa.soaSerial(), 2024010101u);
  EXPECT_EQ(zone->soa.ttl(), 300u);
  EXPECT_EQ(zone->soa.soaMinimum(), 60u);

  // Sorted canonically by owner, then by type; WWW and www are one RRset with the first case.
  std::vector<std::string> seen;
  for (const RRset& rrset : zone->rrsets) {
    seen.push_back(rrset.owner().toText() + "/" + std::to_string(rrset.type()) + "/" +
                   std::to_string(rrset.count()) + "/" + std::to_string(rrset.ttl()));
  }
  const std::vector<std::string> expected = {
      "example.test./2/1/300",      "example.test./15/1/300",    "a.b.c.example.test./16/1/300",
      "mail.example.test./5/1/300", "ns1.example.test./1/1/300", "WWW.example.test./1/2/300",
      "www.example.test./28/1/60"};
  EXPECT_EQ(seen, expected);
  EXPECT_TRUE(validateZoneContents(*zone).ok());
}

TEST_F(ZoneFileTest, SyntaxErrorNamesFileAndLine) {
  EXPECT_EQ(errorOf("ns1 IN A 192.0.2.1\n"
                    "\n"
                    "bad IN A 192.0.2.256\n"),
            at(7) + ": invalid IPv4 address");
  EXPECT_EQ(errorOf("x IN AAAA 2001:db8::g\n"), at(5) + ": invalid address character");
  EXPECT_EQ(errorOf("x IN MX mail\n"), at(5) + ": invalid number");
  EXPECT_EQ(errorOf("x IN TXT \"open\n"), at(5) + ": invalid text character");
  EXPECT_EQ(errorOf("x IN TXT ( \"a\"\n\"b\"\n"), at(7) + ": unclosed last multiline block");
}

TEST_F(ZoneFileTest, RequiresOneSoaAtTheApex) {
  const auto path = write("$TTL 300\nwww IN A 192.0.2.1\n");
  auto missing = loadZoneFile(path, kOrigin);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::kParse);
  EXPECT_EQ(missing.error().message,
            path.string() + ": no SOA record at the zone apex example.test.");

  EXPECT_EQ(errorOf("@ IN SOA ns1 hostmaster 2 7200 900 1209600 60\n"),
            at(5) + ": more than one SOA record");
  EXPECT_EQ(errorOf("sub IN SOA ns1 hostmaster 2 7200 900 1209600 60\n"),
            at(5) + ": SOA record at sub.example.test. is not at the zone apex");
}

TEST_F(ZoneFileTest, RejectsRecordsOutsideTheOrigin) {
  EXPECT_EQ(errorOf("ns1 IN A 192.0.2.1\nwww.other.test. IN A 192.0.2.1\n"),
            at(6) + ": record owner www.other.test. is outside the zone origin example.test.");
  EXPECT_EQ(errorOf("test. IN A 192.0.2.1\n"),
            at(5) + ": record owner test. is outside the zone origin example.test.");
}

TEST_F(ZoneFileTest, RejectsCnameWithOtherData) {
  const std::string rule = " (RFC 1034 section 3.6.2)";
  EXPECT_EQ(errorOf("www IN A 192.0.2.1\nwww IN CNAME other\n"),
            at(6) + ": CNAME and other data at www.example.test." + rule);
  EXPECT_EQ(errorOf("www IN CNAME other\nwww IN TXT \"x\"\n"),
            at(6) + ": CNAME and other data at www.example.test." + rule);
  EXPECT_EQ(errorOf("@ IN CNAME other\n"),
            at(5) + ": CNAME and other data at example.test." + rule);
  EXPECT_EQ(errorOf("www IN CNAME a\nwww IN CNAME b\n"),
            at(6) + ": more than one CNAME record at www.example.test.");
}

TEST_F(ZoneFileTest, RejectsOtherClassesAndIncludes) {
  // libzscanner itself refuses classes other than IN.
  EXPECT_EQ(errorOf("www CH TXT \"x\"\n"), at(5) + ": unsupported record type");
  EXPECT_EQ(errorOf("$INCLUDE other.zone\n"), at(5) + ": $INCLUDE is not supported");
}

TEST_F(ZoneFileTest, MixedTtlsInAnRRsetBecomeTheLowestRfc2181Section5_2) {
  const auto path = write(std::string(kHeader) +
                          "www 200 IN A 192.0.2.1\nwww 100 IN A 192.0.2.2\nwww 300 IN A "
                          "192.0.2.3\n");
  auto zone = loadZoneFile(path, kOrigin);
  ASSERT_TRUE(zone.ok());
  ASSERT_EQ(zone->rrsets.size(), 2u);
  EXPECT_EQ(zone->rrsets[1].ttl(), 100u);
  EXPECT_EQ(zone->rrsets[1].count(), 3);
}

TEST_F(ZoneFileTest, DuplicateRecordsAreKeptOnceRfc2181Section5) {
  const auto path =
      write(std::string(kHeader) + "www IN A 192.0.2.1\nwww IN A 192.0.2.1\nWWW IN A 192.0.2.1\n");
  auto zone = loadZoneFile(path, kOrigin);
  ASSERT_TRUE(zone.ok());
  ASSERT_EQ(zone->rrsets.size(), 2u);
  EXPECT_EQ(zone->rrsets[1].count(), 1);
}

// Captures what the loader logs, one line per event.
class CapturedLog {
public:
  CapturedLog() {
    log::configure(log::Level::kWarn, log::Format::kJson);
    log::redirectForTesting(&out_);
  }

  ~CapturedLog() { log::redirectForTesting(nullptr); }

  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  // Each warning as "line:message:record".
  std::vector<std::string> warnings() const {
    std::vector<std::string> found;
    std::istringstream lines(out_.str());
    for (std::string line; std::getline(lines, line);) {
      found.push_back(field(line, "file.line", false) + ":" + field(line, "msg", true) + ":" +
                      field(line, "record.name", true));
    }
    return found;
  }

private:
  static std::string field(const std::string& line, const std::string& key, bool quoted) {
    const std::string start = "\"" + key + "\":" + (quoted ? "\"" : "");
    const auto at = line.find(start);
    if (at == std::string::npos) {
      return "?";
    }
    const auto begin = at + start.size();
    return line.substr(begin, line.find_first_of(quoted ? "\"" : ",}", begin) - begin);
  }

  std::ostringstream out_;
};

TEST_F(ZoneFileTest, WarningsNameTheLineOfEachRecordInFileOrder) {
  const CapturedLog log;
  const auto path = write(std::string(kHeader) +
                          "www 200 IN A 192.0.2.1\n"  // 5
                          "b IN A 192.0.2.1\n"        // 6
                          "WWW 100 IN A 192.0.2.2\n"  // 7
                          "b IN A 192.0.2.1\n"        // 8: duplicate
                          "a IN TXT \"x\"\n"          // 9
                          "www 300 IN A 192.0.2.2\n"  // 10: both
                          "a 60 IN TXT \"x\"\n");     // 11: both
  auto zone = loadZoneFile(path, kOrigin);
  ASSERT_TRUE(zone.ok()) << zone.error().toString();
  const std::string ttl = "TTL differs within an RRset; using the lowest (RFC 2181 section 5.2)";
  const std::string dup = "duplicate record ignored (RFC 2181 section 5)";
  EXPECT_EQ(log.warnings(),
            (std::vector<std::string>{
                "7:" + ttl + ":WWW.example.test.", "8:" + dup + ":b.example.test.",
                "10:" + ttl + ":www.example.test.", "10:" + dup + ":www.example.test.",
                "11:" + ttl + ":a.example.test.", "11:" + dup + ":a.example.test."}));
  ASSERT_EQ(zone->rrsets.size(), 4u);
  EXPECT_EQ(zone->rrsets[1].owner().toText(), "a.example.test.");
  EXPECT_EQ(zone->rrsets[1].ttl(), 60u);
  EXPECT_EQ(zone->rrsets[3].owner().toText(), "www.example.test.");
  EXPECT_EQ(zone->rrsets[3].ttl(), 100u);
  EXPECT_EQ(zone->rrsets[3].count(), 2);
}

TEST_F(ZoneFileTest, TheFirstBrokenRuleInFileOrderIsReported) {
  // A conflict before a syntax error, a syntax error before a conflict.
  EXPECT_EQ(errorOf("www IN A 192.0.2.1\nwww IN CNAME x\nbad IN A 1.2.3.256\n"),
            at(6) + ": CNAME and other data at www.example.test. (RFC 1034 section 3.6.2)");
  EXPECT_EQ(errorOf("bad IN A 1.2.3.256\nwww IN A 192.0.2.1\nwww IN CNAME x\n"),
            at(5) + ": invalid IPv4 address");
  // A conflict before a record outside the zone, and of two conflicts the earlier one, whatever
  // their names' order.
  EXPECT_EQ(errorOf("z IN CNAME a\nz IN CNAME b\nother.test. IN A 192.0.2.1\n"),
            at(6) + ": more than one CNAME record at z.example.test.");
  EXPECT_EQ(errorOf("z IN CNAME a\na IN DNAME x.\nZ IN CNAME b\na IN DNAME y.\n"),
            at(7) + ": more than one CNAME record at Z.example.test.");
  // The CNAME rules go before the DNAME rules on the same record.
  EXPECT_EQ(errorOf("d IN NS ns1\nd IN CNAME x\nd IN DNAME y.\n"),
            at(6) + ": CNAME and other data at d.example.test. (RFC 1034 section 3.6.2)");
  // The error names the owner as the breaking record writes it.
  EXPECT_EQ(errorOf("www IN A 192.0.2.1\nWWW IN CNAME x\n"),
            at(6) + ": CNAME and other data at WWW.example.test. (RFC 1034 section 3.6.2)");
  EXPECT_EQ(errorOf("x.D IN A 192.0.2.1\nX.d IN TXT \"t\"\nd IN DNAME a.test.\n"),
            at(5) +
                ": record owner x.D.example.test. is below the DNAME at d.example.test. (RFC "
                "6672 section 2.4)");
}

TEST_F(ZoneFileTest, SortsManyNamesCanonically) {
  std::string body;
  for (int i = 0; i < 300; ++i) {
    body += "h" + std::to_string(i) + " IN A 192.0.2.1\n";
    body += "H" + std::to_string(i) + " IN TXT \"t\"\n";
  }
  const auto path = write(std::string(kHeader) + body);
  auto zone = loadZoneFile(path, kOrigin);
  ASSERT_TRUE(zone.ok()) << zone.error().toString();
  ASSERT_EQ(zone->rrsets.size(), 601u);
  for (std::size_t i = 1; i < zone->rrsets.size(); ++i) {
    const auto order = zone->rrsets[i - 1].owner() <=> zone->rrsets[i].owner();
    EXPECT_TRUE(order < 0 || (order == 0 && zone->rrsets[i - 1].type() < zone->rrsets[i].type()))
        << i;
  }
  EXPECT_TRUE(validateZoneContents(*zone).ok());
}

TEST_F(ZoneFileTest, RequiresNsAtTheApexRfc1034Section4_2_1) {
  const auto path = write("$TTL 300\n@ IN SOA ns1 hostmaster 1 2 3 4 5\nns1 IN A 192.0.2.1\n");
  auto zone = loadZoneFile(path, kOrigin);
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.error().message,
            at(2) + ": no NS records at the zone apex example.test. (RFC 1034 section 4.2.1)");

  // NS below the apex is a delegation, not the zone's own.
  const auto below = write("$TTL 300\n@ IN SOA ns1 hostmaster 1 2 3 4 5\nsub IN NS ns1\n");
  EXPECT_FALSE(loadZoneFile(below, kOrigin).ok());
}

TEST_F(ZoneFileTest, DnameRulesRfc6672Sections2_3And2_4) {
  EXPECT_EQ(errorOf("d IN DNAME a.test.\nd IN DNAME b.test.\n"),
            at(6) + ": more than one DNAME record at d.example.test. (RFC 6672 section 2.4)");
  EXPECT_EQ(errorOf("d IN NS ns1\nd IN DNAME a.test.\n"),
            at(6) +
                ": DNAME and NS at d.example.test., which is not the zone apex (RFC 6672 "
                "section 2.3)");
  EXPECT_EQ(errorOf("d IN DNAME a.test.\nd IN NS ns1\n"),
            at(6) +
                ": DNAME and NS at d.example.test., which is not the zone apex (RFC 6672 "
                "section 2.3)");
  EXPECT_EQ(errorOf("x.d IN A 192.0.2.1\nd IN DNAME a.test.\n"),
            at(5) +
                ": record owner x.d.example.test. is below the DNAME at d.example.test. (RFC "
                "6672 section 2.4)");
  // A DNAME at the apex beside its NS is fine, and so are siblings of a DNAME owner.
  EXPECT_EQ(errorOf("@ IN DNAME a.test.\n"), "");
  EXPECT_EQ(errorOf("d IN DNAME a.test.\nd IN TXT \"x\"\ne IN A 192.0.2.1\n"), "");
}

TEST_F(ZoneFileTest, FindsTheOriginFromOriginDirectiveOrSoaOwner) {
  const auto with_origin = write("$ORIGIN Example.Test.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n", "a");
  auto origin = findZoneOrigin(with_origin);
  ASSERT_TRUE(origin.ok()) << origin.error().toString();
  EXPECT_EQ(origin->toText(), "Example.Test.");

  const auto absolute = write("$TTL 60\nother.test. SOA ns h 1 2 3 4 5\n", "b");
  EXPECT_EQ(findZoneOrigin(absolute)->toText(), "other.test.");

  const auto none = write("$TTL 60\nwww.test. A 192.0.2.1\n", "c");
  EXPECT_EQ(findZoneOrigin(none).error().message,
            none.string() + ": no SOA record, so the zone origin is unknown");

  const auto broken = write("$TTL 60\nwww.test. A 192.0.2\n", "d");
  EXPECT_EQ(findZoneOrigin(broken).error().message, broken.string() + ":2: invalid IPv4 address");
  EXPECT_EQ(findZoneOrigin(dir_.path() / "missing").error().code, Errc::kIo);
}

TEST_F(ZoneFileTest, ReportsMissingAndUnreadableFiles) {
  const auto missing = dir_.path() / "missing.zone";
  auto result = loadZoneFile(missing, kOrigin);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::kIo);
  EXPECT_EQ(result.error().message,
            missing.string() + ": cannot open the zone file: No such file or directory");

  auto directory = loadZoneFile(dir_.path(), kOrigin);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().code, Errc::kIo);

  if (geteuid() != 0) {  // root reads any file
    const auto locked = write(kHeader, "locked.zone");
    ASSERT_EQ(chmod(locked.c_str(), 0), 0);
    auto unreadable = loadZoneFile(locked, kOrigin);
    ASSERT_FALSE(unreadable.ok());
    EXPECT_EQ(unreadable.error().message,
              locked.string() + ": cannot open the zone file: Permission denied");
  }
}

TEST_F(ZoneFileTest, EmptyFileHasNoSoa) {
  const auto path = write("");
  auto result = loadZoneFile(path, kOrigin);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            path.string() + ": no SOA record at the zone apex example.test.");
}

TEST(ZoneTextTest, ParsesTextAndNamesTheSource) {
  auto zone = parseZoneText(std::string(kHeader) + "www IN A 192.0.2.1\n", kOrigin, "store:zone");
  ASSERT_TRUE(zone.ok()) << zone.error().toString();
  EXPECT_EQ(zone->rrsets.size(), 2u);

  auto bad = parseZoneText(std::string(kHeader) + "www IN A 192.0.2\n", kOrigin, "store:zone");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "store:zone:5: invalid IPv4 address");
}

}  // namespace
}  // namespace holdfast::dns
