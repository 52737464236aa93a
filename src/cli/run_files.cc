// The pid file and the reload status file of `holdfast up`.
#include "cli/run_files.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace holdfast::cli {

namespace {

// Writes `text` to `path` through a temporary file and a rename, so that a reader never sees a
// half-written file.
Status writeAtomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      return makeError(Errc::kIo,
                       fmt::format("{}: cannot write: {}", temp.string(), std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    return makeError(Errc::kIo, fmt::format("{}: cannot rename to {}: {}", temp.string(),
                                            path.string(), ec.message()));
  }
  return okStatus();
}

Result<std::optional<std::string>> readWhole(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) {
      return std::optional<std::string>();
    }
    return makeError(Errc::kIo,
                     fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return std::optional<std::string>(buffer.str());
}

// True if `pid` runs a program called holdfast: a pid file left by a crash may name a process
// id the kernel has given to something else since.
bool isHoldfast(pid_t pid) {
  if (kill(pid, 0) != 0 && errno != EPERM) {
    return false;
  }
  std::error_code ec;
  const std::filesystem::path exe =
      std::filesystem::read_symlink(fmt::format("/proc/{}/exe", pid), ec);
  if (ec) {
    return false;
  }
  return exe.filename().string().starts_with("holdfast");
}

}  // namespace

std::filesystem::path pidFilePath(const std::filesystem::path& data_dir) {
  return data_dir / "holdfast.pid";
}

std::filesystem::path reloadStatusPath(const std::filesystem::path& data_dir) {
  return data_dir / "holdfast.reload";
}

Status writePidFile(const std::filesystem::path& data_dir) {
  // The memory store makes no data_dir of its own, but `holdfast reload` looks here too.
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return makeError(Errc::kIo, fmt::format("data_dir {}: {}", data_dir.string(), ec.message()));
  }
  return writeAtomically(pidFilePath(data_dir), fmt::format("{}\n", getpid()));
}

void removePidFile(const std::filesystem::path& data_dir) noexcept {
  auto pid = findRunningUp(data_dir);
  if (pid.ok() && *pid == getpid()) {
    std::error_code ec;
    std::filesystem::remove(pidFilePath(data_dir), ec);
  }
}

Result<pid_t> findRunningUp(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = pidFilePath(data_dir);
  auto text = readWhole(path);
  if (!text.ok()) {
    return text.error();
  }
  if (!text->has_value()) {
    return makeError(Errc::kNotFound, fmt::format("{}: no such file", path.string()));
  }
  const std::string& s = **text;
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
  if (ec != std::errc() || pid <= 0 || (end != s.data() + s.size() && *end != '\n')) {
    return makeError(Errc::kParse, fmt::format("{}: not a process id", path.string()));
  }
  if (!isHoldfast(pid)) {
    return makeError(Errc::kNotFound, fmt::format("{}: stale, process {} is not running holdfast",
                                                  path.string(), pid));
  }
  return pid;
}

Status writeReloadStatus(const std::filesystem::path& data_dir, const ReloadStatus& status) {
  const nlohmann::json json = {{"generation", status.generation},
                               {"ok", status.ok},
                               {"finished_at_ms", status.finished_at_ms},
                               {"error", status.error}};
  return writeAtomically(reloadStatusPath(data_dir), json.dump() + "\n");
}

Result<std::optional<ReloadStatus>> readReloadStatus(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = reloadStatusPath(data_dir);
  auto text = readWhole(path);
  if (!text.ok()) {
    return text.error();
  }
  if (!text->has_value()) {
    return std::optional<ReloadStatus>();
  }
  const nlohmann::json json = nlohmann::json::parse(**text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("generation") ||
      !json["generation"].is_number_unsigned() || !json.contains("ok") ||
      !json["ok"].is_boolean() || !json.contains("error") || !json["error"].is_string()) {
    return makeError(Errc::kParse, fmt::format("{}: not a reload status", path.string()));
  }
  ReloadStatus status;
  status.generation = json["generation"].get<std::uint64_t>();
  status.ok = json["ok"].get<bool>();
  status.error = json["error"].get<std::string>();
  if (json.contains("finished_at_ms") && json["finished_at_ms"].is_number_integer()) {
    status.finished_at_ms = json["finished_at_ms"].get<std::int64_t>();
  }
  return std::optional<ReloadStatus>(std::move(status));
}

}  // namespace holdfast::cli
