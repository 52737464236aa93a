// RRset: ownership and editing of libknot record sets.
#include "dns/rrset.h"

#include <cstdlib>

namespace holdfast::dns {

void KnotRRsetDeleter::operator()(knot_rrset_t* rrset) const noexcept {
  knot_rrset_free(rrset, nullptr);
}

Result<RRset> RRset::create(const Name& owner,
                            std::uint16_t rrtype,
                            std::uint32_t ttl_seconds,
                            std::uint16_t rrclass) {
  knot_rrset_t* rrset = knot_rrset_new(owner.data(), rrtype, rrclass, ttl_seconds, nullptr);
  if (rrset == nullptr) {
    return makeError(Errc::kInternal, "out of memory creating an RRset");
  }
  return RRset(rrset);
}

Status RRset::addRdata(std::span<const std::uint8_t> rdata) {
  if (rdata.size() > KNOT_RDATA_MAXLEN) {
    return makeError(Errc::kInvalidArgument, "rdata longer than 65535 octets");
  }
  const int ret = knot_rrset_add_rdata(rrset_.get(), rdata.data(),
                                       static_cast<std::uint16_t>(rdata.size()), nullptr);
  if (ret != KNOT_EOK) {
    return makeError(Errc::kInternal, std::string("adding rdata failed: ") + knot_strerror(ret));
  }
  return okStatus();
}

Result<RRset> RRset::clone() const {
  knot_rrset_t* copy = knot_rrset_copy(rrset_.get(), nullptr);
  if (copy == nullptr) {
    return makeError(Errc::kInternal, "out of memory copying an RRset");
  }
  return RRset(copy);
}

Name RRset::owner() const noexcept {
  const auto size = knot_dname_size(rrset_->owner);
  auto name = Name::fromWire({rrset_->owner, size});
  return name.ok() ? name.value() : Name();
}

std::span<const std::uint8_t> RRset::rdata(std::uint16_t index) const noexcept {
  const knot_rdata_t* rdata = knot_rdataset_at(&rrset_->rrs, index);
  return {rdata->data, rdata->len};
}

bool RRset::isWellFormedSoa() const noexcept {
  if (rrset_->type != KNOT_RRTYPE_SOA || rrset_->rrs.count != 1) {
    return false;
  }
  // Two uncompressed names followed by serial, refresh, retry, expire and minimum.
  const knot_rdata_t* rdata = knot_rdataset_at(&rrset_->rrs, 0);
  const std::uint8_t* pos = rdata->data;
  const std::uint8_t* end = rdata->data + rdata->len;
  for (int i = 0; i < 2; ++i) {
    const int size = knot_dname_wire_check(pos, end, nullptr);
    if (size <= 0) {
      return false;
    }
    pos += size;
  }
  return end - pos == 20;
}

std::uint32_t RRset::soaSerial() const noexcept {
  return knot_soa_serial(knot_rdataset_at(&rrset_->rrs, 0));
}

std::uint32_t RRset::soaMinimum() const noexcept {
  return knot_soa_minimum(knot_rdataset_at(&rrset_->rrs, 0));
}

void RRset::setSoaSerial(std::uint32_t serial) noexcept {
  knot_soa_serial_set(knot_rdataset_at(&rrset_->rrs, 0), serial);
}

std::string RRset::toText() const {
  // libknot grows the buffer with malloc/free as needed; it must start non-empty.
  std::size_t size = 1024;
  auto* buffer = static_cast<char*>(std::malloc(size));
  if (buffer == nullptr) {
    return std::string();
  }
  const int ret = knot_rrset_txt_dump(rrset_.get(), &buffer, &size, &KNOT_DUMP_STYLE_DEFAULT);
  std::string text = ret >= 0 ? std::string(buffer, static_cast<std::size_t>(ret)) : std::string();
  std::free(buffer);
  return text;
}

}  // namespace holdfast::dns
