// libFuzzer target: any path, method and body sent to the admin API, with a valid token, gets an
// answer (never a crash or an exception) over a store holding one published endpoint.
#include <cstddef>
#include <cstdint>
#include <string>

#include "admin/api_server.h"
#include "control/pause.h"
#include "control/records.h"
#include "store/memory_store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace holdfast;
  static store::MemoryStore store;
  static admin::ViewHolder view;
  static control::StatusBoard board;
  static const bool ready = [] {
    control::EndpointConfig e;
    e.name = "api.example.test.";
    e.zone = "example.test.";
    e.backends = {{"192.0.2.1"}};
    auto v = std::make_shared<admin::ApiView>();
    v->endpoints.push_back(e);
    v->zones.push_back("example.test.");
    view.set(v);
    store::TxnRequest request;
    request.success.push_back(store::Op::put(
        control::publishedKey(e.name),
        control::encodePublished({1, e.zone, control::kTypeA, 30, {"192.0.2.1"}, "enactor-1"})));
    return store.txn(request).ok();
  }();
  if (!ready || size == 0) {
    return 0;
  }

  // First byte: the method; up to the first newline: the path; the rest: the body.
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);  // NOLINT
  const auto newline = input.find('\n');
  admin::HttpRequest request{"/api/v1/" + input.substr(0, newline),
                             newline == std::string::npos ? "" : input.substr(newline + 1),
                             {{"limit", input.substr(0, 8)}},
                             {{"Authorization", "Bearer fuzz-token-0123456789"}}};
  const admin::ApiOptions options{&store, &view, &board, "fuzz-token-0123456789", "fuzz"};
  const auto method = static_cast<admin::HttpMethod>(data[0] % 4);
  const admin::HttpResponse response = admin::handleApi(options, method, request);
  if (response.status < 200 || response.status > 599) {
    __builtin_trap();
  }
  // A pause that went through is lifted again, so every input starts from the same state.
  (void)control::resumeAutomation(store, "");
  (void)control::resumeAutomation(store, "api.example.test.");
  return 0;
}
