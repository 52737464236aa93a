// Reads of published/<endpoint> shared by the enactor and the janitor.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

// published/<endpoint> as read, with the revision a later transaction compares against.
struct PublishedState {
  std::optional<PublishedRecord> record;  // empty if absent or unreadable
  store::Revision mod_revision = 0;       // 0: the key is absent
  std::string problem;                    // why an existing record is unreadable, else empty

  // The published generation; 0 if nothing (readable) is published.
  [[nodiscard]] Generation generation() const { return record ? record->generation : 0; }
};

// Reads published/<endpoint>. Errors: store failures only; an unreadable record is reported in
// `problem`, never as an error, so callers decide how to recover.
[[nodiscard]] Result<PublishedState> readPublished(store::Store& store, std::string_view endpoint);

}  // namespace holdfast::control
