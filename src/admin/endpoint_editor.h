// What the admin API needs to create, replace and delete endpoints: an editor that validates a
// definition, writes it to the store and applies it, implemented by `holdfast up`.
#pragma once

#include <string>

namespace holdfast::admin {

enum class EditOutcome {
  kDone,         // written and applied: the control plane and the server run the change
  kInvalid,      // the definition is refused (400); field and reason say why
  kConflict,     // the name is taken, defined in the configuration file, or changed meanwhile
  kNotFound,     // no endpoint of that name was created through the API
  kNotApplied,   // could not be applied; the store write was undone (reason says so)
  kStoreFailed,  // the store failed; nothing was written
};

struct EditResult {
  EditOutcome outcome = EditOutcome::kDone;
  std::string field;   // for a refusal: the field path ("backends[1]", "check.port", "name")
  std::string reason;  // for a refusal: what is wrong
  std::string name;    // the endpoint's normalized name ("api.example.test.")
};

// Thread-safe: calls are serialized with each other and with `holdfast reload`. Each returns
// only once the change runs (kDone) or is undone.
class EndpointEditor {
public:
  virtual ~EndpointEditor() = default;

  // `definition`: a JSON object with the keys of a configuration file `endpoints:` entry, plus
  // an optional "zone". `by` says who asked ("api", "api:alice").
  [[nodiscard]] virtual EditResult create(const std::string& definition, const std::string& by) = 0;

  // Replaces the definition of `name` (as in the request path, any case, dot optional).
  [[nodiscard]] virtual EditResult update(const std::string& name,
                                          const std::string& definition,
                                          const std::string& by) = 0;

  [[nodiscard]] virtual EditResult remove(const std::string& name, const std::string& by) = 0;
};

}  // namespace holdfast::admin
