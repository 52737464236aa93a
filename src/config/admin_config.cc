// Reads the `admin:` section: where `holdfast up` serves its admin API and where its token lives.
#include <arpa/inet.h>

#include <string>

#include "config/config.h"
#include "config/config_reader_internal.h"

namespace holdfast::config {

namespace {

// The host part of "a.b.c.d:port" or "[v6]:port" (checkListen() has accepted the text).
std::string hostOf(const std::string& listen) {
  if (!listen.empty() && listen.front() == '[') {
    return listen.substr(1, listen.find(']') - 1);
  }
  return listen.substr(0, listen.rfind(':'));
}

// The API has no TLS, so the bearer token must never cross a network: loopback only.
bool isLoopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

Status readAdmin(const Reader& r, const YAML::Node& node, Config& config) {
  if (auto s = r.checkKeys(node, "admin", {"enabled", "listen", "token_file"}); !s.ok()) {
    return s;
  }
  if (const YAML::Node enabled = node["enabled"]) {
    auto text = r.text(enabled, "admin.enabled");
    if (!text.ok()) {
      return text.error();
    }
    if (*text != "true" && *text != "false") {
      return r.error(enabled, "admin.enabled", "expected true or false, got '" + *text + "'");
    }
    config.admin.enabled = *text == "true";
  }
  if (const YAML::Node listen = node["listen"]) {
    auto text = r.text(listen, "admin.listen");
    if (!text.ok()) {
      return text.error();
    }
    if (auto s = checkListen(*text); !s.ok()) {
      return r.error(listen, "admin.listen", s.error().message);
    }
    if (!isLoopback(hostOf(*text))) {
      return r.error(listen, "admin.listen",
                     "must be a loopback address (127.0.0.0/8 or ::1): the API has no TLS");
    }
    config.admin.listen = *text;
  }
  if (const YAML::Node token_file = node["token_file"]) {
    auto text = r.text(token_file, "admin.token_file");
    if (!text.ok()) {
      return text.error();
    }
    if (text->empty()) {
      return r.error(token_file, "admin.token_file", "must not be empty");
    }
    config.admin.token_file = *text;
  }
  return okStatus();
}

}  // namespace holdfast::config
