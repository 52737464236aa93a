// Zone file loading (RFC 1035 section 5 master files) with libzscanner.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/result.h"
#include "dns/name.h"
#include "dns/zone_contents.h"

namespace holdfast::dns {

// Reads the zone `origin` from `file`. Relative owners are relative to `origin`; without a $TTL
// directive records default to one hour. Checks, each failing with the file and line:
// - every record is of class IN and inside the origin (out-of-zone data is an error, not
//   silently dropped);
// - exactly one SOA record, at the origin, and NS records at the origin (RFC 1034 section
//   4.2.1);
// - a name with a CNAME holds nothing else but DNSSEC records, and only one CNAME (RFC 1034
//   section 3.6.2, RFC 2181 section 10.1);
// - at most one DNAME per name, no NS beside a DNAME except at the apex, no names below a DNAME
//   (RFC 6672 sections 2.3 and 2.4).
// Two cases are warnings, logged with file and line, and repaired: records of one RRset with
// different TTLs get the lowest of them (RFC 2181 section 5.2: a server must never send mixed
// TTLs, and a client would use the lowest), and a record repeated in an RRset is kept once (RFC
// 2181 section 5).
//
// Errors name the file and, where there is one, the line the record ends on:
//   kIo     "zones/example.test.zone: cannot open the zone file: No such file or directory"
//   kParse  "zones/example.test.zone:7: invalid IPv4 address"
//   kParse  "zones/example.test.zone:9: more than one SOA record"
//   kParse  "zones/example.test.zone: no SOA record at the zone apex example.test."
//   kParse  "zones/example.test.zone:2: no NS records at the zone apex example.test. (...)"
// Safe to call from several threads at once for different files.
[[nodiscard]] Result<ZoneContents> loadZoneFile(const std::filesystem::path& file,
                                                const Name& origin);

// The origin of the zone in `file`, for files named without one: the owner of its first SOA
// record, read with "." as the starting origin, so a $ORIGIN directive before the SOA or an
// absolute SOA owner decides. Reads up to the SOA only. Errors as for loadZoneFile, plus kParse
// "FILE: no SOA record, so the zone origin is unknown".
[[nodiscard]] Result<Name> findZoneOrigin(const std::filesystem::path& file);

// The same for zone file text held in memory; errors name `source` where loadZoneFile names the
// file ("store:zones/example.test:7: invalid IPv4 address").
[[nodiscard]] Result<ZoneContents> parseZoneText(std::string_view text,
                                                 const Name& origin,
                                                 std::string_view source);

}  // namespace holdfast::dns
