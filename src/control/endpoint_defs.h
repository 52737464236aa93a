// Endpoint definitions made through the admin API: their store keys and the transactions that
// create, replace and delete them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace holdfast::control {

// defs/endpoints/<name>: one definition per endpoint name ("api.example.test.").
inline constexpr std::string_view kDefinitionPrefix = "defs/endpoints/";

[[nodiscard]] std::string definitionKey(std::string_view name);

// A definition as stored: `value` is opaque here (the caller's JSON); `mod_revision` is what an
// update or delete compares against.
struct StoredDefinition {
  std::string name;
  std::string value;
  store::Revision mod_revision = 0;
};

// Every definition, sorted by name. Errors: store failures.
[[nodiscard]] Result<std::vector<StoredDefinition>> readDefinitions(store::Store& store);

// One definition; nullopt when absent. Errors: store failures.
[[nodiscard]] Result<std::optional<StoredDefinition>> readDefinition(store::Store& store,
                                                                     std::string_view name);

// The outcome of a definition write: a lost compare (written == false) means another writer got
// there first; it is an expected outcome, not an error.
struct DefinitionWrite {
  bool written = false;
  store::Revision revision = 0;  // the definition's new mod_revision when written
};

// Creates the definition if no definition of that name exists (compare: key absent). A created
// endpoint starts from nothing: what an earlier endpoint of the same name left (published
// record, plans, health; not its journal or a pause) is deleted in the same transaction, or its
// old addresses would be served again. The caller makes sure no running control plane has an
// endpoint of that name.
[[nodiscard]] Result<DefinitionWrite> createDefinition(store::Store& store,
                                                       std::string_view name,
                                                       std::string value);

// Replaces the definition if its mod_revision is still `expected` (0: if it is absent, which
// re-creates a deleted definition).
[[nodiscard]] Result<DefinitionWrite> replaceDefinition(store::Store& store,
                                                        std::string_view name,
                                                        std::string value,
                                                        store::Revision expected);

// Deletes the definition if its mod_revision is still `expected`.
[[nodiscard]] Result<DefinitionWrite> deleteDefinition(store::Store& store,
                                                       std::string_view name,
                                                       store::Revision expected);

// After a deleted definition's endpoint has stopped running: deletes its published record,
// plans and health, unless a definition of that name exists again. Errors: the store's.
[[nodiscard]] Status forgetEndpointState(store::Store& store, std::string_view name);

}  // namespace holdfast::control
