// readPublished: one get plus the decoder.
#include "control/published_state.h"

namespace holdfast::control {

Result<PublishedState> readPublished(store::Store& store, std::string_view endpoint) {
  auto got = store.get(publishedKey(endpoint));
  if (!got.ok()) {
    return got.error();
  }
  PublishedState state;
  if (!got->kv) {
    return state;
  }
  state.mod_revision = got->kv->mod_revision;
  auto record = decodePublished(got->kv->value);
  if (record.ok()) {
    state.record = std::move(*record);
  } else {
    state.problem = record.error().message;
  }
  return state;
}

}  // namespace holdfast::control
