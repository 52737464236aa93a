// Finding the admin API of a running `holdfast up` and talking to it.
#include "cli/admin_client.h"

#include <httplib.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/http_listener.h"
#include "admin/token.h"
#include "cli/up_admin.h"
#include "config/config.h"

namespace holdfast::cli {

namespace {

using nlohmann::json;

// A request to the local API that takes longer than this has failed: an apply is one store
// transaction, everything else a read.
constexpr std::chrono::seconds kClientTimeout{10};

Result<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return makeError(Errc::kNotFound, path.string() + ": cannot read");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Address and token: from the flags, else from data_dir/admin.json of the configuration's (or
// the given, or the default) data_dir. Errors: kNotFound when no admin.json is there.
Result<ApiTarget> findTarget(const AdminFlags& flags) {
  std::filesystem::path data_dir = flags.data_dir;
  if (!flags.config_path.empty()) {
    auto config = config::loadConfig(flags.config_path);
    if (!config.ok()) {
      return makeError(Errc::kConfig, config.error().message);
    }
    data_dir = config->data_dir;
  }
  return findApiTarget(flags.address, flags.token_file, adminInfoPath(data_dir),
                       "no running holdfast up found: {} does not exist (run this from the "
                       "directory of `holdfast up`, or pass --config, --data-dir, or --admin and "
                       "--token-file)");
}

// 400, 401 and 404 mean the command line named something wrong; the rest are the server's.
int exitStatusOf(int http_status) {
  return http_status == 400 || http_status == 401 || http_status == 404 ? kExitConfig
                                                                        : kExitRuntime;
}

}  // namespace

std::string describeHttpError(int error) {
  switch (static_cast<httplib::Error>(error)) {
    case httplib::Error::Connection:
      return "connection refused or failed";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "no HTTP answer (the connection closed or timed out while reading; is this the "
             "admin address?)";
    case httplib::Error::Write:
      return "the request could not be sent";
    case httplib::Error::BindIPAddress:
      return "cannot bind the local address";
    default:
      return httplib::to_string(static_cast<httplib::Error>(error));
  }
}

Result<ApiTarget> findApiTarget(std::string address,
                                std::filesystem::path token_file,
                                const std::filesystem::path& info_path,
                                const std::string& not_found) {
  ApiTarget target{std::move(address), ""};
  if (target.address.empty() || token_file.empty()) {
    auto text = readFile(info_path);
    if (!text.ok()) {
      return makeError(Errc::kNotFound, fmt::format(fmt::runtime(not_found), info_path.string()));
    }
    const json info = json::parse(*text, nullptr, false);
    if (!info.is_object() || !info.contains("address") || !info["address"].is_string() ||
        !info.contains("token_file") || !info["token_file"].is_string()) {
      return makeError(Errc::kParse,
                       info_path.string() + ": not a run file of holdfast (address, token_file)");
    }
    if (target.address.empty()) {
      target.address = info["address"].get<std::string>();
    }
    if (token_file.empty()) {
      token_file = info["token_file"].get<std::string>();
    }
  }
  auto token = admin::loadToken(token_file);
  if (!token.ok()) {
    return token.error();
  }
  target.token = *token;
  return target;
}

void addApiOptions(CLI::App* command, AdminFlags& flags) {
  command->add_flag("--json", flags.json, "print the API's JSON answer");
  command->add_option("-c,--config", flags.config_path,
                      "configuration of `holdfast up` (for its data_dir)");
  command->add_option("--data-dir", flags.data_dir, "data_dir of `holdfast up`")
      ->capture_default_str();
  command->add_option("--admin", flags.address, "admin API address, e.g. 127.0.0.1:8053");
  command->add_option("--token-file", flags.token_file, "file holding the admin token");
}

std::string operatorName() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') {
    return std::string("operator:") + user;
  }
  if (const passwd* entry = getpwuid(getuid()); entry != nullptr) {
    return std::string("operator:") + entry->pw_name;
  }
  return "operator:uid" + std::to_string(getuid());
}

ApiSession::ApiSession(const AdminFlags& flags) {
  auto target = findTarget(flags);
  if (!target.ok()) {
    fail(target.error().code == Errc::kNotFound ? kExitNotRunning : kExitConfig,
         target.error().message);
    return;
  }
  address_ = target->address;
  token_ = target->token;
}

std::optional<json> ApiSession::get(const std::string& path) {
  return send(Method::kGet, path, nullptr);
}

std::optional<json> ApiSession::post(const std::string& path, const json& body) {
  return send(Method::kPost, path, body);
}

std::optional<json> ApiSession::send(Method method, const std::string& path, const json& body) {
  if (exit_status_ != kExitOk) {
    return std::nullopt;
  }
  auto host_port = admin::parseHostPort(address_);
  if (!host_port.ok()) {
    fail(kExitConfig, host_port.error().message);
    return std::nullopt;
  }
  httplib::Client client(host_port->host, host_port->port);
  client.set_connection_timeout(kClientTimeout);
  client.set_read_timeout(kClientTimeout);
  const httplib::Headers headers{{"Authorization", "Bearer " + token_}};
  auto response = method == Method::kGet
                      ? client.Get(path.c_str(), headers)
                      : client.Post(path.c_str(), headers, body.dump(), "application/json");
  if (!response) {
    fail(kExitNotRunning,
         fmt::format("cannot reach the admin API at {}: {} (is holdfast up running?)", address_,
                     describeHttpError(static_cast<int>(response.error()))));
    return std::nullopt;
  }
  json answer = json::parse(response->body, nullptr, false);
  if (response->status < 200 || response->status > 299) {
    std::string reason = fmt::format("HTTP {}", response->status);
    if (answer.is_object() && answer.contains("error") && answer["error"].is_object()) {
      const json& error = answer["error"];
      if (error.contains("code") && error["code"].is_string()) {
        reason += " " + error["code"].get<std::string>();
      }
      if (error.contains("reason") && error["reason"].is_string()) {
        reason += ": " + error["reason"].get<std::string>();
      }
    }
    fail(exitStatusOf(response->status), reason);
    return std::nullopt;
  }
  if (answer.is_discarded()) {
    fail(kExitRuntime, path + ": the answer is not JSON");
    return std::nullopt;
  }
  return answer;
}

void ApiSession::fail(int status, const std::string& message) {
  std::fprintf(stderr, "holdfast: %s\n", message.c_str());
  exit_status_ = status;
}

std::string endpointPath(const std::string& name, const std::string& suffix) {
  return "/api/v1/endpoints/" + httplib::detail::encode_query_param(name) + suffix;
}

}  // namespace holdfast::cli
