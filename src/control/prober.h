// Probers: the injectable health check of one backend, and its socket implementation.
#pragma once

#include <string>

#include "control/endpoint.h"

namespace holdfast::control {

// What one probe saw.
struct ProbeResult {
  bool healthy = false;
  std::string reason;  // short and stable: "connected", "http 200", "connect: Connection refused"
};

// Runs one check against one backend and returns within about check.timeout. Implementations
// must be safe to call from several threads at once (one checker thread per backend).
class Prober {
public:
  virtual ~Prober() = default;

  [[nodiscard]] virtual ProbeResult probe(const std::string& address,
                                          const HealthCheckConfig& check) = 0;
};

// Probes over real sockets: a TCP connect, or an HTTP/1.0 GET that must answer with a status
// line in [http_status_min, http_status_max] (2xx by default). Stateless; every probe opens and
// closes its own socket.
class SocketProber final : public Prober {
public:
  [[nodiscard]] ProbeResult probe(const std::string& address,
                                  const HealthCheckConfig& check) override;
};

}  // namespace holdfast::control
