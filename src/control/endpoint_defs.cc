// Store transactions of the endpoint definitions made through the admin API.
#include "control/endpoint_defs.h"

#include <utility>

namespace holdfast::control {

namespace {

Result<DefinitionWrite> run(store::Store& store, store::TxnRequest request) {
  auto result = store.txn(request);
  if (!result.ok()) {
    return result.error();
  }
  return DefinitionWrite{result->succeeded, result->succeeded ? result->revision : 0};
}

}  // namespace

std::string definitionKey(std::string_view name) {
  return std::string(kDefinitionPrefix) + std::string(name);
}

Result<std::vector<StoredDefinition>> readDefinitions(store::Store& store) {
  auto range = store.range(kDefinitionPrefix);
  if (!range.ok()) {
    return range.error();
  }
  std::vector<StoredDefinition> out;
  for (store::KeyValue& kv : range->kvs) {
    out.push_back({kv.key.substr(kDefinitionPrefix.size()), std::move(kv.value), kv.mod_revision});
  }
  return out;
}

Result<std::optional<StoredDefinition>> readDefinition(store::Store& store, std::string_view name) {
  auto got = store.get(definitionKey(name));
  if (!got.ok()) {
    return got.error();
  }
  if (!got->kv) {
    return std::optional<StoredDefinition>();
  }
  return std::optional<StoredDefinition>(
      StoredDefinition{std::string(name), std::move(got->kv->value), got->kv->mod_revision});
}

Result<DefinitionWrite> createDefinition(store::Store& store,
                                         std::string_view name,
                                         std::string value) {
  return replaceDefinition(store, name, std::move(value), 0);
}

Result<DefinitionWrite> replaceDefinition(store::Store& store,
                                          std::string_view name,
                                          std::string value,
                                          store::Revision expected) {
  const std::string key = definitionKey(name);
  store::TxnRequest request;
  request.compares.push_back(expected == 0 ? store::Compare::absent(key)
                                           : store::Compare::modRevisionIs(key, expected));
  request.success.push_back(store::Op::put(key, std::move(value)));
  return run(store, std::move(request));
}

Result<DefinitionWrite> deleteDefinition(store::Store& store,
                                         std::string_view name,
                                         store::Revision expected) {
  const std::string key = definitionKey(name);
  store::TxnRequest request;
  request.compares.push_back(store::Compare::modRevisionIs(key, expected));
  request.success.push_back(store::Op::del(key));
  return run(store, std::move(request));
}

}  // namespace holdfast::control
