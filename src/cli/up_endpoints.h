// Endpoints made through the admin API of `holdfast up`: read from the store at start and on
// reload, and created, replaced and deleted by the API (each a store transaction, then applied
// as a reload applies a changed endpoint list).
#pragma once

#include <string>
#include <vector>

#include "admin/endpoint_editor.h"
#include "cli/up_reload.h"
#include "common/result.h"
#include "config/config.h"
#include "control/endpoint.h"
#include "store/store.h"

namespace holdfast::cli {

// The stored definitions that fit `config` (zones, names not in the file), parsed and checked
// as the API checked them. One that no longer fits (its zone left the file, the file now
// defines the same name) is logged as an error and left out, so that it cannot keep `up` from
// starting; deleting it through the API removes it. Errors: store failures.
[[nodiscard]] Result<std::vector<control::EndpointConfig>> storedEndpoints(
    store::Store& store, const config::Config& config);

// The EndpointEditor of a running `up`. Every call takes state.mutex (as a reload does), checks
// the whole configuration with the change, writes the store (compare-and-swap), then reloads;
// if the reload fails the write is undone.
// Limitation: applying is a reload, so a write also applies whatever else changed in the
// configuration file since the last reload; a separate apply path would need the zones kept.
// Limitation: who changed a definition and when is kept only for the last write (in the
// record) and in the log; definition changes have no journal of their own.
class UpEndpointEditor final : public admin::EndpointEditor {
public:
  explicit UpEndpointEditor(UpState& state) : state_(state) {}

  [[nodiscard]] admin::EditResult create(const std::string& definition,
                                         const std::string& by) override;
  [[nodiscard]] admin::EditResult update(const std::string& name,
                                         const std::string& definition,
                                         const std::string& by) override;
  [[nodiscard]] admin::EditResult remove(const std::string& name, const std::string& by) override;

private:
  UpState& state_;
};

}  // namespace holdfast::cli
