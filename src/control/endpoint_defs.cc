// Store transactions of the endpoint definitions made through the admin API.
#include "control/endpoint_defs.h"

#include <utility>

#include "control/records.h"

namespace holdfast::control {

namespace {

Result<DefinitionWrite> run(store::Store& store, store::TxnRequest request) {
  auto result = store.txn(request);
  if (!result.ok()) {
    return result.error();
  }
  return DefinitionWrite{result->succeeded, result->succeeded ? result->revision : 0};
}

// What an endpoint leaves in the store besides its journal and pause.
void dropState(store::TxnRequest& request, std::string_view name) {
  request.success.push_back(store::Op::del(publishedKey(name)));
  request.success.push_back(store::Op::delPrefix(planPrefix(name)));
  request.success.push_back(store::Op::delPrefix(healthPrefix(name)));
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
  const std::string key = definitionKey(name);
  store::TxnRequest request;
  request.compares.push_back(store::Compare::absent(key));
  dropState(request, name);
  request.success.push_back(store::Op::put(key, std::move(value)));
  return run(store, std::move(request));
}

Status forgetEndpointState(store::Store& store, std::string_view name) {
  store::TxnRequest request;
  request.compares.push_back(store::Compare::absent(definitionKey(name)));
  dropState(request, name);
  auto result = store.txn(request);
  if (!result.ok()) {
    return result.error();
  }
  return okStatus();
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
