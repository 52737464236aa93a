// Parallel connects to resolved addresses through the control plane's prober.
#include "probe/address_checks.h"

#include <algorithm>
#include <system_error>
#include <thread>

namespace holdfast::probe {

std::string addressTarget(const std::string& address, std::uint16_t port) {
  if (address.find(':') != std::string::npos) {
    return "[" + address + "]:" + std::to_string(port);
  }
  return address + ":" + std::to_string(port);
}

std::vector<AddressResult> probeAddresses(const ConnectCheck& check,
                                          const std::vector<std::string>& addresses,
                                          control::Prober& prober) {
  const std::size_t count = std::min(addresses.size(), check.max_addresses);
  std::vector<AddressResult> results(count);
  const auto probeOne = [&](std::size_t i) {
    const control::ProbeResult seen = prober.probe(addresses[i], check.health);
    results[i].reachable = seen.healthy;
    results[i].reason = seen.reason;
  };

  std::vector<std::jthread> threads;
  threads.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    results[i].target = addressTarget(addresses[i], check.health.port);
    try {
      threads.emplace_back(probeOne, i);
    } catch (const std::system_error&) {
      probeOne(i);  // out of threads: slower, but every address is still judged
    }
  }
  threads.clear();  // joins: every probe ends within the check's timeout
  return results;
}

}  // namespace holdfast::probe
