// The end-to-end part of a probe check: connecting to the addresses a name resolved to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/prober.h"
#include "probe/probe_options.h"

namespace holdfast::probe {

// What connecting to one resolved address gave.
struct AddressResult {
  std::string target;  // "192.0.2.1:443" or "[2001:db8::1]:443", as shown in alerts
  bool reachable = false;
  std::string reason;  // the prober's: "connected", "http 200", "connect: Connection refused"
};

// "address:port", with brackets around an IPv6 address.
[[nodiscard]] std::string addressTarget(const std::string& address, std::uint16_t port);

// Probes the first `check.max_addresses` of `addresses` at once, one thread each, so that the
// call returns within about check.health.timeout however many there are. Results come in the
// order of `addresses`. `prober` must be safe to call from several threads. Never throws: when
// no thread can be started, that address is probed on the caller's thread.
[[nodiscard]] std::vector<AddressResult> probeAddresses(const ConnectCheck& check,
                                                        const std::vector<std::string>& addresses,
                                                        control::Prober& prober);

}  // namespace holdfast::probe
