// libFuzzer target: any text as a probe configuration is accepted or refused with an error,
// never a crash or an escaping exception.
#include "config/probe_config.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);  // NOLINT
  // /dev/null as resolv.conf: "system" is refused, so no file of the machine is read.
  (void)holdfast::config::parseProbeConfig(text, "fuzz.yaml", "/dev/null");
  return 0;
}
