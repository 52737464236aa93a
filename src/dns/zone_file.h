// Zone file loading (RFC 1035 section 5 master files) with libzscanner.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/result.h"
#include "dns/name.h"
#include "dns/zone_contents.h"

namespace holdfast::dns {

// Reads the zone `origin` from `file`. Relative owners are relative to `origin`; without a $TTL
// directive records default to one hour. Every record must be of class IN and inside the origin;
// there must be exactly one SOA record, at the origin; a name with a CNAME holds nothing else but
// DNSSEC records (RFC 1034 section 3.6.2) and only one CNAME. Records that differ only in TTL are
// one RRset with the first TTL (RFC 2181 section 5.2), logged as a warning.
//
// Errors name the file and, where there is one, the line the record ends on:
//   kIo     "zones/example.test.zone: cannot open the zone file: No such file or directory"
//   kParse  "zones/example.test.zone:7: invalid IPv4 address"
//   kParse  "zones/example.test.zone:9: more than one SOA record"
//   kParse  "zones/example.test.zone: no SOA record at the zone apex example.test."
// Safe to call from several threads at once for different files.
[[nodiscard]] Result<ZoneContents> loadZoneFile(const std::filesystem::path& file,
                                                const Name& origin);

// The same for zone file text held in memory; errors name `source` where loadZoneFile names the
// file ("store:zones/example.test:7: invalid IPv4 address").
[[nodiscard]] Result<ZoneContents> parseZoneText(std::string_view text,
                                                 const Name& origin,
                                                 std::string_view source);

}  // namespace holdfast::dns
