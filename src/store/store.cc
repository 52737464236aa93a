// Convenience operations shared by every backend.
#include "store/store.h"

namespace holdfast::store {

Result<Revision> Store::put(std::string key, std::string value) {
  TxnRequest request;
  request.success.push_back(Op::put(std::move(key), std::move(value)));
  auto result = txn(request);
  if (!result.ok()) {
    return result.error();
  }
  return result->revision;
}

Result<Revision> Store::del(std::string key) {
  TxnRequest request;
  request.success.push_back(Op::del(std::move(key)));
  auto result = txn(request);
  if (!result.ok()) {
    return result.error();
  }
  return result->revision;
}

}  // namespace holdfast::store
