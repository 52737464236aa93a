// Zone file loading: libzscanner parses records, this file groups them and checks the zone.
#include "dns/zone_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "common/log.h"
#include "dns/knot.h"

namespace holdfast::dns {

namespace {

// TTL for records before any $TTL directive; one hour, the common default of zone tools.
constexpr std::uint32_t kDefaultTtlSeconds = 3600;

const log::Logger& logger() {
  static const log::Logger instance("dns.zonefile");
  return instance;
}

// Pairs zs_init with zs_deinit.
class ScannerSession {
public:
  explicit ScannerSession(zs_scanner_t& scanner) noexcept : scanner_(scanner) {}

  ~ScannerSession() { zs_deinit(&scanner_); }

  ScannerSession(const ScannerSession&) = delete;
  ScannerSession& operator=(const ScannerSession&) = delete;

private:
  zs_scanner_t& scanner_;
};

struct Group {
  RRset rrset;
  std::uint64_t line;
};

// Collects the records of one file and checks them as they arrive.
class ZoneAssembler {
public:
  ZoneAssembler(std::string file, const Name& origin) : file_(std::move(file)), origin_(origin) {}

  Status addRecord(const zs_scanner_t& scanner);
  Result<ZoneContents> finish();

  Error errorAt(std::uint64_t line, const std::string& what) const {
    return makeError(Errc::kParse, file_ + ":" + std::to_string(line) + ": " + what);
  }

private:
  using Key = std::pair<Name, std::uint16_t>;

  Status checkPlacement(const Name& owner, std::uint16_t type, std::uint64_t line);
  Status checkCname(const Name& owner, std::uint16_t type, std::uint64_t line) const;
  Status checkDname(const Name& owner, std::uint16_t type, std::uint64_t line) const;
  Status checkApex() const;
  Status checkBelowDnames() const;
  void warnAt(std::uint64_t line, std::string_view what, const Name& owner) const;

  std::string file_;
  Name origin_;
  std::map<Key, Group> groups_;
  int soa_records_ = 0;
};

Status ZoneAssembler::checkPlacement(const Name& owner, std::uint16_t type, std::uint64_t line) {
  if (!owner.isSubdomainOf(origin_)) {
    return errorAt(
        line, "record owner " + owner.toText() + " is outside the zone origin " + origin_.toText());
  }
  if (type == KNOT_RRTYPE_SOA) {
    if (!(owner == origin_)) {
      return errorAt(line, "SOA record at " + owner.toText() + " is not at the zone apex");
    }
    if (++soa_records_ > 1) {
      return errorAt(line, "more than one SOA record");
    }
  }
  return okStatus();
}

Status ZoneAssembler::checkCname(const Name& owner, std::uint16_t type, std::uint64_t line) const {
  if (type == KNOT_RRTYPE_CNAME && groups_.contains(Key{owner, KNOT_RRTYPE_CNAME})) {
    return errorAt(line, "more than one CNAME record at " + owner.toText());
  }
  if (mayAccompanyCname(type)) {
    return okStatus();
  }
  // Every type already at this owner sits in one run of the ordered map.
  for (auto it = groups_.lower_bound(Key{owner, 0});
       it != groups_.end() && it->first.first == owner; ++it) {
    const std::uint16_t present = it->first.second;
    const bool conflict = type == KNOT_RRTYPE_CNAME
                              ? present != KNOT_RRTYPE_CNAME && !mayAccompanyCname(present)
                              : present == KNOT_RRTYPE_CNAME;
    if (conflict) {
      return errorAt(line,
                     "CNAME and other data at " + owner.toText() + " (RFC 1034 section 3.6.2)");
    }
  }
  return okStatus();
}

// RFC 6672 section 2.4: one DNAME record per name; section 2.3: no NS beside a DNAME except at
// the apex. Names below a DNAME are checked once the file is read (checkBelowDnames).
Status ZoneAssembler::checkDname(const Name& owner, std::uint16_t type, std::uint64_t line) const {
  if (type == KNOT_RRTYPE_DNAME && groups_.contains(Key{owner, KNOT_RRTYPE_DNAME})) {
    return errorAt(line,
                   "more than one DNAME record at " + owner.toText() + " (RFC 6672 section 2.4)");
  }
  if (owner == origin_) {
    return okStatus();
  }
  const bool conflict =
      (type == KNOT_RRTYPE_DNAME && groups_.contains(Key{owner, KNOT_RRTYPE_NS})) ||
      (type == KNOT_RRTYPE_NS && groups_.contains(Key{owner, KNOT_RRTYPE_DNAME}));
  if (conflict) {
    return errorAt(line, "DNAME and NS at " + owner.toText() +
                             ", which is not the zone apex (RFC 6672 section 2.3)");
  }
  return okStatus();
}

void ZoneAssembler::warnAt(std::uint64_t line, std::string_view what, const Name& owner) const {
  logger().warn(what, {{"zone.name", origin_.toText()},
                       {"file.name", file_},
                       {"file.line", line},
                       {"record.name", owner.toText()}});
}

Status ZoneAssembler::addRecord(const zs_scanner_t& scanner) {
  const std::uint64_t line = scanner.line_counter;
  auto owner = Name::fromWire({scanner.r_owner, scanner.r_owner_length});
  if (!owner.ok()) {
    return errorAt(line, "invalid owner name");
  }
  if (scanner.r_class != KNOT_CLASS_IN) {
    return errorAt(
        line, "record class " + std::to_string(scanner.r_class) + " is not supported (only IN)");
  }
  const std::uint16_t type = scanner.r_type;
  if (Status status = checkPlacement(*owner, type, line); !status.ok()) {
    return status;
  }
  if (Status status = checkCname(*owner, type, line); !status.ok()) {
    return status;
  }
  if (Status status = checkDname(*owner, type, line); !status.ok()) {
    return status;
  }

  // Start the RRset on its first record; later records join it.
  Key key{*owner, type};
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    auto rrset = RRset::create(*owner, type, scanner.r_ttl);
    if (!rrset.ok()) {
      return rrset.error();
    }
    it = groups_.emplace(std::move(key), Group{std::move(rrset).value(), line}).first;
  } else if (it->second.rrset.ttl() != scanner.r_ttl) {
    // RFC 2181 section 5.2: an RRset has one TTL, and a mixed one counts as its lowest.
    warnAt(line, "TTL differs within an RRset; using the lowest (RFC 2181 section 5.2)", *owner);
    it->second.rrset.setTtl(std::min(it->second.rrset.ttl(), scanner.r_ttl));
  }
  RRset& rrset = it->second.rrset;
  const std::uint16_t before = rrset.count();
  if (Status status = rrset.addRdata({scanner.r_data, scanner.r_data_length}); !status.ok()) {
    return errorAt(line, status.error().message);
  }
  if (rrset.count() == before) {
    // RFC 2181 section 5: an RRset holds no record twice.
    warnAt(line, "duplicate record ignored (RFC 2181 section 5)", *owner);
  }
  return okStatus();
}

Status ZoneAssembler::checkApex() const {
  const auto soa = groups_.find(Key{origin_, KNOT_RRTYPE_SOA});
  if (soa == groups_.end()) {
    return makeError(Errc::kParse, file_ + ": no SOA record at the zone apex " + origin_.toText());
  }
  if (!groups_.contains(Key{origin_, KNOT_RRTYPE_NS})) {
    return errorAt(soa->second.line, "no NS records at the zone apex " + origin_.toText() +
                                         " (RFC 1034 section 4.2.1)");
  }
  return okStatus();
}

// RFC 6672 section 2.4: no names below a DNAME. In canonical order the names below an owner
// directly follow it, so one look past each DNAME owner finds the first offender.
Status ZoneAssembler::checkBelowDnames() const {
  for (const auto& [key, group] : groups_) {
    if (key.second != KNOT_RRTYPE_DNAME) {
      continue;
    }
    auto next = groups_.upper_bound(Key{key.first, 0xffff});
    if (next != groups_.end() && next->first.first.isSubdomainOf(key.first)) {
      return errorAt(next->second.line, "record owner " + next->first.first.toText() +
                                            " is below the DNAME at " + key.first.toText() +
                                            " (RFC 6672 section 2.4)");
    }
  }
  return okStatus();
}

Result<ZoneContents> ZoneAssembler::finish() {
  if (Status status = checkApex(); !status.ok()) {
    return status.error();
  }
  if (Status status = checkBelowDnames(); !status.ok()) {
    return status.error();
  }
  auto soa = groups_.find(Key{origin_, KNOT_RRTYPE_SOA});
  ZoneContents contents{origin_, std::move(soa->second.rrset), {}};
  groups_.erase(soa);

  // The map is already in canonical owner order, then type order.
  contents.rrsets.reserve(groups_.size());
  for (auto& [key, group] : groups_) {
    contents.rrsets.push_back(std::move(group.rrset));
  }
  return contents;
}

Error openError(const std::string& file, const zs_scanner_t& scanner, int saved_errno) {
  const std::string reason = scanner.error.code == ZS_FILE_OPEN && saved_errno != 0
                                 ? std::error_code(saved_errno, std::generic_category()).message()
                                 : std::string(zs_strerror(scanner.error.code));
  return makeError(Errc::kIo, file + ": cannot open the zone file: " + reason);
}

// Pulls records from an initialised scanner until the input ends or something is wrong.
Result<ZoneContents> scanZone(zs_scanner_t& scanner,
                              const std::string& source,
                              const Name& origin) {
  ZoneAssembler assembler(source, origin);
  while (true) {
    (void)zs_parse_record(&scanner);
    switch (scanner.state) {
      case ZS_STATE_DATA:
        if (Status status = assembler.addRecord(scanner); !status.ok()) {
          return status.error();
        }
        break;
      case ZS_STATE_ERROR:
        return assembler.errorAt(scanner.line_counter, zs_strerror(scanner.error.code));
      case ZS_STATE_INCLUDE:
        // Limitation: $INCLUDE is refused; zone files must be self-contained for now.
        return assembler.errorAt(scanner.line_counter, "$INCLUDE is not supported");
      case ZS_STATE_EOF:
      case ZS_STATE_STOP:
      case ZS_STATE_NONE:
        return assembler.finish();
    }
  }
}

// The scanner holds three 64 KiB buffers: far too large for the stack.
Result<std::unique_ptr<zs_scanner_t>> newScanner(const std::string& source, const Name& origin) {
  auto scanner = std::make_unique<zs_scanner_t>();
  if (zs_init(scanner.get(), origin.toText().c_str(), KNOT_CLASS_IN, kDefaultTtlSeconds) != 0) {
    zs_deinit(scanner.get());
    return makeError(Errc::kInternal, source + ": cannot initialise the zone scanner");
  }
  return scanner;
}

}  // namespace

Result<ZoneContents> loadZoneFile(const std::filesystem::path& file, const Name& origin) {
  const std::string file_name = file.string();
  auto scanner = newScanner(file_name, origin);
  if (!scanner.ok()) {
    return scanner.error();
  }
  const ScannerSession session(**scanner);

  errno = 0;
  if (zs_set_input_file(scanner->get(), file_name.c_str()) != 0) {
    return openError(file_name, **scanner, errno);
  }
  return scanZone(**scanner, file_name, origin);
}

Result<Name> findZoneOrigin(const std::filesystem::path& file) {
  const std::string file_name = file.string();
  auto scanner = newScanner(file_name, Name());
  if (!scanner.ok()) {
    return scanner.error();
  }
  const ScannerSession session(**scanner);

  errno = 0;
  if (zs_set_input_file(scanner->get(), file_name.c_str()) != 0) {
    return openError(file_name, **scanner, errno);
  }
  zs_scanner_t& s = **scanner;
  while (true) {
    (void)zs_parse_record(&s);
    switch (s.state) {
      case ZS_STATE_DATA:
        if (s.r_type == KNOT_RRTYPE_SOA) {
          auto owner = Name::fromWire({s.r_owner, s.r_owner_length});
          if (!owner.ok()) {
            return makeError(Errc::kParse,
                             file_name + ":" + std::to_string(s.line_counter) + ": invalid owner");
          }
          return owner;
        }
        break;
      case ZS_STATE_ERROR:
        return makeError(Errc::kParse, file_name + ":" + std::to_string(s.line_counter) + ": " +
                                           zs_strerror(s.error.code));
      case ZS_STATE_INCLUDE:
        return makeError(Errc::kParse, file_name + ":" + std::to_string(s.line_counter) +
                                           ": $INCLUDE is not supported");
      case ZS_STATE_EOF:
      case ZS_STATE_STOP:
      case ZS_STATE_NONE:
        return makeError(Errc::kParse,
                         file_name + ": no SOA record, so the zone origin is unknown");
    }
  }
}

Result<ZoneContents> parseZoneText(std::string_view text,
                                   const Name& origin,
                                   std::string_view source) {
  const std::string source_name(source);
  auto scanner = newScanner(source_name, origin);
  if (!scanner.ok()) {
    return scanner.error();
  }
  const ScannerSession session(**scanner);

  if (zs_set_input_string(scanner->get(), text.data(), text.size()) != 0) {
    return makeError(Errc::kInternal, source_name + ": cannot read the zone text");
  }
  return scanZone(**scanner, source_name, origin);
}

}  // namespace holdfast::dns
