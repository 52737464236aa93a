// Zone file loading: libzscanner parses records, this file groups them and checks the zone.
#include "dns/zone_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/log.h"
#include "dns/knot.h"
#include "dns/zone_file_records_internal.h"

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

// The rules that involve several records of one owner, in the order addRecord would have checked
// them on the record breaking them: the CNAME rules first, then the DNAME ones.
enum class Conflict {
  kSecondCname,
  kCnameAndOther,
  kSecondDname,
  kDnameAndNs,
};

// The first record, in file order, that breaks a rule involving other records.
struct FirstConflict {
  std::uint32_t index = std::numeric_limits<std::uint32_t>::max();
  Conflict conflict = Conflict::kSecondCname;

  void offer(std::uint32_t at, Conflict what) noexcept {
    if (at < index || (at == index && what < conflict)) {
      index = at;
      conflict = what;
    }
  }

  [[nodiscard]] bool found() const noexcept {
    return index != std::numeric_limits<std::uint32_t>::max();
  }
};

// A warning about one record, logged in file order once the zone is grouped.
struct Warning {
  std::uint32_t index;
  std::string_view what;
};

constexpr std::string_view kMixedTtl =
    "TTL differs within an RRset; using the lowest (RFC 2181 section 5.2)";
constexpr std::string_view kDuplicate = "duplicate record ignored (RFC 2181 section 5)";

// Collects the records of one file flat, in file order, with the checks that need only the
// record itself; once the file is read, sorts them once in canonical order and checks the rules
// that involve several records. Errors name the same record as checking each record against the
// ones before it would: the first in file order that breaks a rule.
class ZoneAssembler {
public:
  ZoneAssembler(std::string file, const Name& origin)
      : file_(std::move(file)), origin_(origin), records_(origin.labelCount()) {}

  Status addRecord(const zs_scanner_t& scanner);

  // The error to report when reading stopped at `stop`: a rule broken by an earlier record wins,
  // since it comes first in the file.
  [[nodiscard]] Error firstError(Error stop);

  Result<ZoneContents> finish();

  Error errorAt(std::uint64_t line, const std::string& what) const {
    return makeError(Errc::kParse, file_ + ":" + std::to_string(line) + ": " + what);
  }

private:
  // Calls `visit(begin, end)` for each run of `order_` with the same owner.
  template <typename Visit>
  void forEachOwner(Visit visit) const;

  Status checkPlacement(std::span<const std::uint8_t> owner,
                        std::uint16_t type,
                        std::uint64_t line);
  void findConflicts(std::size_t begin, std::size_t end, FirstConflict& first) const;
  [[nodiscard]] std::optional<Error> checkConflicts();
  Status buildRRsets(std::vector<RRset>& rrsets, std::optional<RRset>& soa);
  Status checkApex(const std::optional<RRset>& soa) const;
  Status checkBelowDnames() const;
  [[nodiscard]] Name ownerOf(std::uint32_t index) const;
  void logWarnings(std::vector<Warning>& warnings) const;

  std::string file_;
  Name origin_;
  ZoneRecords records_;
  std::vector<std::uint32_t> order_;  // records_ in canonical order, once the file is read
  int soa_records_ = 0;
};

Name ZoneAssembler::ownerOf(std::uint32_t index) const {
  // Stored owners passed the wire check in addRecord.
  return Name::fromWire(records_.owner(index)).value();
}

Status ZoneAssembler::checkPlacement(std::span<const std::uint8_t> owner,
                                     std::uint16_t type,
                                     std::uint64_t line) {
  if (!wireIsSubdomainOf(owner, origin_.wire())) {
    return errorAt(line, "record owner " + Name::fromWire(owner)->toText() +
                             " is outside the zone origin " + origin_.toText());
  }
  if (type == KNOT_RRTYPE_SOA) {
    if (owner.size() != origin_.wire().size()) {
      return errorAt(
          line, "SOA record at " + Name::fromWire(owner)->toText() + " is not at the zone apex");
    }
    if (++soa_records_ > 1) {
      return errorAt(line, "more than one SOA record");
    }
  }
  return okStatus();
}

Status ZoneAssembler::addRecord(const zs_scanner_t& scanner) {
  const std::uint64_t line = scanner.line_counter;
  const std::span<const std::uint8_t> owner(scanner.r_owner, scanner.r_owner_length);
  const int owner_size = knot_dname_wire_check(owner.data(), owner.data() + owner.size(), nullptr);
  if (owner.empty() || owner_size <= 0 || static_cast<std::size_t>(owner_size) != owner.size()) {
    return errorAt(line, "invalid owner name");
  }
  if (scanner.r_class != KNOT_CLASS_IN) {
    return errorAt(
        line, "record class " + std::to_string(scanner.r_class) + " is not supported (only IN)");
  }
  if (Status status = checkPlacement(owner, scanner.r_type, line); !status.ok()) {
    return status;
  }
  if (records_.size() >= ZoneRecords::kMaxRecords) {
    return errorAt(
        line, "more than " + std::to_string(ZoneRecords::kMaxRecords) + " records in one zone");
  }
  records_.add(owner, scanner.r_type, scanner.r_ttl, {scanner.r_data, scanner.r_data_length}, line);
  return okStatus();
}

template <typename Visit>
void ZoneAssembler::forEachOwner(Visit visit) const {
  std::size_t begin = 0;
  while (begin < order_.size()) {
    std::size_t end = begin + 1;
    while (end < order_.size() && records_.sameOwner(order_[begin], order_[end])) {
      ++end;
    }
    visit(begin, end);
    begin = end;
  }
}

// The records of one owner, sorted by type then file order. A record breaks a rule when an RRset
// it conflicts with started before it: so each rule is first broken by the later of the two
// RRsets' first records, or by the second record of an RRset that allows one.
void ZoneAssembler::findConflicts(std::size_t begin, std::size_t end, FirstConflict& first) const {
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t cname = kNone;
  std::uint32_t other = kNone;  // neither CNAME nor allowed beside one (RFC 2181 section 10.1)
  std::uint32_t dname = kNone;
  std::uint32_t ns = kNone;
  for (std::size_t run = begin; run < end;) {
    const std::uint32_t head = order_[run];
    const std::uint16_t type = records_.record(head).type;
    std::size_t next = run + 1;
    while (next < end && records_.record(order_[next]).type == type) {
      ++next;
    }
    const bool several = next - run > 1;
    if (type == KNOT_RRTYPE_CNAME) {
      cname = head;
      if (several) {
        first.offer(order_[run + 1], Conflict::kSecondCname);
      }
    } else if (!mayAccompanyCname(type)) {
      other = std::min(other, head);
    }
    if (type == KNOT_RRTYPE_DNAME) {
      dname = head;
      if (several) {
        first.offer(order_[run + 1], Conflict::kSecondDname);
      }
    }
    if (type == KNOT_RRTYPE_NS) {
      ns = head;
    }
    run = next;
  }
  if (cname != kNone && other != kNone) {
    first.offer(std::max(cname, other), Conflict::kCnameAndOther);
  }
  // RFC 6672 section 2.3: NS may sit beside a DNAME at the apex only.
  if (dname != kNone && ns != kNone && !records_.ownerIsApex(order_[begin])) {
    first.offer(std::max(dname, ns), Conflict::kDnameAndNs);
  }
}

std::optional<Error> ZoneAssembler::checkConflicts() {
  order_ = records_.sortedOrder();
  FirstConflict first;
  forEachOwner([&](std::size_t begin, std::size_t end) { findConflicts(begin, end, first); });
  if (!first.found()) {
    return std::nullopt;
  }
  const std::uint64_t line = records_.record(first.index).line;
  const std::string owner = ownerOf(first.index).toText();
  switch (first.conflict) {
    case Conflict::kSecondCname:
      return errorAt(line, "more than one CNAME record at " + owner);
    case Conflict::kCnameAndOther:
      return errorAt(line, "CNAME and other data at " + owner + " (RFC 1034 section 3.6.2)");
    case Conflict::kSecondDname:
      return errorAt(line, "more than one DNAME record at " + owner + " (RFC 6672 section 2.4)");
    case Conflict::kDnameAndNs:
      return errorAt(
          line, "DNAME and NS at " + owner + ", which is not the zone apex (RFC 6672 section 2.3)");
  }
  return std::nullopt;
}

// Limitation: a file that fails to load logs no warnings (mixed TTLs, duplicates) for the records
// before its error; they are found while the RRsets are built, which a failed load skips.
Error ZoneAssembler::firstError(Error stop) {
  if (auto conflict = checkConflicts(); conflict.has_value()) {
    return *conflict;
  }
  return stop;
}

void ZoneAssembler::logWarnings(std::vector<Warning>& warnings) const {
  std::stable_sort(warnings.begin(), warnings.end(),
                   [](const Warning& a, const Warning& b) { return a.index < b.index; });
  for (const Warning& warning : warnings) {
    logger().warn(warning.what, {{"zone.name", origin_.toText()},
                                 {"file.name", file_},
                                 {"file.line", records_.record(warning.index).line},
                                 {"record.name", ownerOf(warning.index).toText()}});
  }
}

// One RRset per run of owner and type, its records added in file order: the first gives the
// owner's case and the TTL, a later one with another TTL lowers it (RFC 2181 section 5.2: an
// RRset has one TTL, and a mixed one counts as its lowest), and one repeated is kept once (RFC
// 2181 section 5).
Status ZoneAssembler::buildRRsets(std::vector<RRset>& rrsets, std::optional<RRset>& soa) {
  std::vector<Warning> warnings;
  rrsets.reserve(order_.size());
  std::size_t run = 0;
  while (run < order_.size()) {
    const std::uint32_t head = order_[run];
    const ZoneRecord& first = records_.record(head);
    auto rrset = RRset::create(ownerOf(head), first.type, first.ttl_seconds);
    if (!rrset.ok()) {
      return rrset.error();
    }
    std::size_t next = run;
    for (; next < order_.size(); ++next) {
      const std::uint32_t index = order_[next];
      const ZoneRecord& record = records_.record(index);
      if (record.type != first.type || (next != run && !records_.sameOwner(head, index))) {
        break;
      }
      if (record.ttl_seconds != rrset->ttl()) {
        warnings.push_back(Warning{index, kMixedTtl});
        rrset->setTtl(std::min(rrset->ttl(), record.ttl_seconds));
      }
      const std::uint16_t before = rrset->count();
      if (Status status = rrset->addRdata(records_.rdata(index)); !status.ok()) {
        return errorAt(record.line, status.error().message);
      }
      if (rrset->count() == before) {
        warnings.push_back(Warning{index, kDuplicate});
      }
    }
    if (first.type == KNOT_RRTYPE_SOA) {
      soa = std::move(rrset).value();  // placement checks allow one SOA, at the apex
    } else {
      rrsets.push_back(std::move(rrset).value());
    }
    run = next;
  }
  logWarnings(warnings);
  return okStatus();
}

Status ZoneAssembler::checkApex(const std::optional<RRset>& soa) const {
  if (!soa.has_value()) {
    return makeError(Errc::kParse, file_ + ": no SOA record at the zone apex " + origin_.toText());
  }
  // The apex sorts first, its RRsets by type.
  for (std::size_t i = 0; i < order_.size() && records_.ownerIsApex(order_[i]); ++i) {
    if (records_.record(order_[i]).type == KNOT_RRTYPE_NS) {
      return okStatus();
    }
  }
  std::uint64_t soa_line = 0;
  for (std::size_t i = 0; i < order_.size() && records_.ownerIsApex(order_[i]); ++i) {
    if (records_.record(order_[i]).type == KNOT_RRTYPE_SOA) {
      soa_line = records_.record(order_[i]).line;
    }
  }
  return errorAt(
      soa_line, "no NS records at the zone apex " + origin_.toText() + " (RFC 1034 section 4.2.1)");
}

// RFC 6672 section 2.4: no names below a DNAME. In canonical order the names below an owner
// directly follow it, so one look past each DNAME owner finds the first offender; it is named by
// the first record of its lowest type, as that RRset's case and line.
Status ZoneAssembler::checkBelowDnames() const {
  std::optional<Error> error;
  forEachOwner([&](std::size_t begin, std::size_t end) {
    if (error.has_value() || end == order_.size()) {
      return;
    }
    for (std::size_t i = begin; i < end; ++i) {
      if (records_.record(order_[i]).type != KNOT_RRTYPE_DNAME) {
        continue;
      }
      const std::uint32_t dname = order_[i];
      const std::uint32_t next = order_[end];
      if (records_.ownerAtOrBelow(next, dname)) {
        error = errorAt(records_.record(next).line,
                        "record owner " + ownerOf(next).toText() + " is below the DNAME at " +
                            ownerOf(dname).toText() + " (RFC 6672 section 2.4)");
      }
      return;
    }
  });
  if (error.has_value()) {
    return *error;
  }
  return okStatus();
}

Result<ZoneContents> ZoneAssembler::finish() {
  // Limitation: as in firstError, a rule broken here means no warnings are logged.
  if (auto conflict = checkConflicts(); conflict.has_value()) {
    return *conflict;
  }
  std::vector<RRset> rrsets;
  std::optional<RRset> soa;
  if (Status status = buildRRsets(rrsets, soa); !status.ok()) {
    return status.error();
  }
  if (Status status = checkApex(soa); !status.ok()) {
    return status.error();
  }
  if (Status status = checkBelowDnames(); !status.ok()) {
    return status.error();
  }
  return ZoneContents{origin_, std::move(soa).value(), std::move(rrsets)};
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
          return assembler.firstError(status.error());
        }
        break;
      case ZS_STATE_ERROR:
        return assembler.firstError(
            assembler.errorAt(scanner.line_counter, zs_strerror(scanner.error.code)));
      case ZS_STATE_INCLUDE:
        // Limitation: $INCLUDE is refused; zone files must be self-contained for now.
        return assembler.firstError(
            assembler.errorAt(scanner.line_counter, "$INCLUDE is not supported"));
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
