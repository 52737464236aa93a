// readServed for both protocols.
#include "sim/served_view.h"

#include "control/plan_lookup.h"
#include "sim/naive_records.h"

namespace holdfast::sim {

namespace {

ServedView readHoldfast(store::Store& store, const control::EndpointConfig& endpoint) {
  ServedView view;
  auto got = store.get(control::publishedKey(endpoint.name));
  if (!got.ok() || !got->kv) {
    return view;
  }
  view.in_service = true;
  auto record = control::decodePublished(got->kv->value);
  if (!record.ok()) {
    view.detail = "published record unreadable: " + record.error().message;
    return view;
  }
  view.generation = record->generation;
  view.addresses = std::move(record->addresses);
  view.ttl = record->ttl;
  return view;
}

ServedView readNaive(store::Store& store, const control::EndpointConfig& endpoint) {
  ServedView view;
  auto got = store.get(naiveActiveKey(endpoint.name));
  if (!got.ok() || !got->kv) {
    return view;
  }
  view.in_service = true;
  auto active = decodeNaiveActive(got->kv->value);
  if (!active.ok()) {
    view.detail = "active record unreadable";
    return view;
  }
  view.generation = active->generation;
  view.checked_against = active->checked_against;
  auto plan = store.get(control::planKey(endpoint.name, active->generation));
  if (!plan.ok() || !plan->kv) {
    view.detail = "the active plan " + std::to_string(active->generation) + " is gone";
    return view;
  }
  auto usable = control::usablePlan(plan->kv->value, active->generation, endpoint);
  if (!usable.ok()) {
    view.detail = "the active plan " + std::to_string(active->generation) +
                  " is unusable: " + usable.error().message;
    return view;
  }
  view.addresses = std::move(usable->addresses);
  view.ttl = usable->ttl;
  return view;
}

}  // namespace

ServedView readServed(Protocol protocol,
                      store::Store& store,
                      const control::EndpointConfig& endpoint) {
  return protocol == Protocol::kNaive ? readNaive(store, endpoint) : readHoldfast(store, endpoint);
}

std::string publishKey(Protocol protocol, const control::EndpointConfig& endpoint) {
  return protocol == Protocol::kNaive ? naiveActiveKey(endpoint.name)
                                      : control::publishedKey(endpoint.name);
}

}  // namespace holdfast::sim
