// The files that let `holdfast cache` find a running resolver's API.
#include "cli/resolver_admin.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace holdfast::cli {

std::filesystem::path resolverInfoPath(const std::filesystem::path& data_dir) {
  return data_dir / "resolver.json";
}

std::filesystem::path resolverTokenPath(const resolver::ResolverOpsOptions& ops) {
  return ops.token_file.empty() ? std::filesystem::path(ops.data_dir) / "resolver.token"
                                : std::filesystem::path(ops.token_file);
}

Status writeResolverInfo(const std::filesystem::path& data_dir,
                         const std::string& address,
                         const std::filesystem::path& token_file) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return makeError(Errc::kIo, data_dir.string() + ": " + ec.message());
  }
  const nlohmann::json info = {{"address", address},
                               {"token_file", std::filesystem::absolute(token_file).string()},
                               {"pid", ::getpid()}};
  const std::filesystem::path path = resolverInfoPath(data_dir);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << info.dump(2) << "\n";
    if (!out) {
      return makeError(Errc::kIo, temporary.string() + ": cannot write");
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    return makeError(Errc::kIo, path.string() + ": " + ec.message());
  }
  return okStatus();
}

void removeResolverInfo(const std::filesystem::path& data_dir) noexcept {
  const std::filesystem::path path = resolverInfoPath(data_dir);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json info = nlohmann::json::parse(text.str(), nullptr, false);
  if (info.is_object() && info.contains("pid") && info["pid"].is_number_integer() &&
      info["pid"].get<long long>() == ::getpid()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
}

}  // namespace holdfast::cli
