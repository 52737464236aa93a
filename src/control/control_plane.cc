// ControlPlane: construction of the parts and their start/stop order.
#include "control/control_plane.h"

#include <string>

namespace holdfast::control {

ControlPlane::ControlPlane(store::Store& store,
                           std::vector<EndpointConfig> endpoints,
                           ControlOptions options,
                           ControlPlaneHooks hooks)
    : endpoints_(std::move(endpoints)),
      options_(options),
      prober_(hooks.prober != nullptr ? *hooks.prober : socket_prober_),
      clock_(hooks.clock != nullptr ? *hooks.clock : SystemClock::instance()),
      checker_(store, endpoints_, prober_, clock_),
      planner_(store, endpoints_),
      janitor_(store, endpoints_, options.keep_plans) {
  const EnactorOptions enactor_options{options.keep_plans, EnactorOptions{}.full_pass_interval};
  for (int i = 1; i <= options.enactors; ++i) {
    enactors_.push_back(std::make_unique<Enactor>("enactor-" + std::to_string(i), store, endpoints_,
                                                  enactor_options, clock_));
  }
}

ControlPlane::~ControlPlane() {
  stop();
}

Status ControlPlane::start() {
  if (running_) {
    return makeError(Errc::kInvalidArgument, "control plane already running");
  }
  if (auto status = validate(options_); !status.ok()) {
    return status;
  }
  if (auto status = validate(endpoints_); !status.ok()) {
    return status;
  }

  // Downstream first, so every change upstream finds its consumer already watching.
  for (const auto& enactor : enactors_) {
    enactor->start();
  }
  janitor_.start(options_.janitor_interval);
  planner_.start();
  checker_.start();
  running_ = true;
  return okStatus();
}

void ControlPlane::stop() {
  // Upstream first, so nothing produces work for a part that is already gone.
  checker_.stop();
  planner_.stop();
  janitor_.stop();
  for (const auto& enactor : enactors_) {
    enactor->stop();
  }
  running_ = false;
}

}  // namespace holdfast::control
