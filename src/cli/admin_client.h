// The CLI's client of the admin API: finds a running `holdfast up` (address and token) by
// itself and sends requests, printing any failure with the exit status README documents.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/result.h"

namespace CLI {
class App;
}  // namespace CLI

namespace holdfast::cli {

// Where a local API listens and the token it wants.
struct ApiTarget {
  std::string address;  // "127.0.0.1:8053"
  std::string token;
};

// `address` and the token in `token_file` when given; whatever is missing comes from the run
// file `info_path` that a running server writes (admin.json of `up`, resolver.json of the
// resolver: {"address", "token_file"}). Errors: kNotFound with `not_found` when `info_path` is
// needed and missing, kParse when it is not such a file, and those of admin::loadToken.
[[nodiscard]] Result<ApiTarget> findApiTarget(std::string address,
                                              std::filesystem::path token_file,
                                              const std::filesystem::path& info_path,
                                              const std::string& not_found);

// What went wrong with an HTTP request that got no answer, for an operator: cpp-httplib's own
// names ("Connection", "Read") say too little. `error` is an httplib::Error.
[[nodiscard]] std::string describeHttpError(int error);

// Adds --json, --config, --data-dir, --admin and --token-file to `command`, filling `flags`.
void addApiOptions(CLI::App* command, AdminFlags& flags);

// "operator:<login>": who the operator is, for pause records and the audit journal.
[[nodiscard]] std::string operatorName();

// One command's conversation with the API. The constructor finds the target from `flags` (or
// admin.json in the data_dir); every failure, there or in a request, is printed once on stderr
// as "holdfast: <reason>" and sets exitStatus(): kExitNotRunning when no server is found or
// reachable, kExitConfig for a bad configuration or token file and for answers 400, 401 and 404
// (a wrong name or argument), kExitRuntime for any other refusal (409 held, paused, stale) or
// server error. Not thread-safe.
class ApiSession {
public:
  explicit ApiSession(const AdminFlags& flags);

  // The JSON body of a 2xx answer; nullopt after a failure (printed; see exitStatus()).
  [[nodiscard]] std::optional<nlohmann::json> get(const std::string& path);
  [[nodiscard]] std::optional<nlohmann::json> post(const std::string& path,
                                                   const nlohmann::json& body);

  // kExitOk until something failed.
  [[nodiscard]] int exitStatus() const { return exit_status_; }

  [[nodiscard]] const std::string& address() const { return address_; }

private:
  enum class Method {
    kGet,
    kPost,
  };
  std::optional<nlohmann::json> send(Method method,
                                     const std::string& path,
                                     const nlohmann::json& body);
  void fail(int status, const std::string& message);

  std::string address_;  // "127.0.0.1:8053"; empty when not found
  std::string token_;
  int exit_status_ = kExitOk;
};

// The API path of an endpoint's route: "/api/v1/endpoints/<name>" plus `suffix`.
[[nodiscard]] std::string endpointPath(const std::string& name, const std::string& suffix);

}  // namespace holdfast::cli
