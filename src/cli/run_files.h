// Files a running `holdfast up` keeps in its data_dir so that `holdfast reload` can find it and
// learn how a reload went: the pid file and the reload status.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.h"

namespace holdfast::cli {

// data_dir/holdfast.pid: the process id of the `holdfast up` using that data_dir.
[[nodiscard]] std::filesystem::path pidFilePath(const std::filesystem::path& data_dir);

// data_dir/holdfast.reload: the outcome of the last reload (JSON).
[[nodiscard]] std::filesystem::path reloadStatusPath(const std::filesystem::path& data_dir);

// Writes this process's id into the pid file (temporary file, then rename). Errors: kIo.
[[nodiscard]] Status writePidFile(const std::filesystem::path& data_dir);

// Removes the pid file if it still names this process (another `up` may have replaced it).
void removePidFile(const std::filesystem::path& data_dir) noexcept;

// The process named by the pid file if it is still alive and still a holdfast process.
// Errors: kNotFound when there is no pid file, or it is stale (the process is gone or is not
// holdfast; a stale file is left in place); kParse when it does not hold a process id.
[[nodiscard]] Result<pid_t> findRunningUp(const std::filesystem::path& data_dir);

// The outcome of one reload of `holdfast up`.
struct ReloadStatus {
  std::uint64_t generation = 0;  // raised by one with every reload, failed or not; 0: none yet
  bool ok = true;
  std::int64_t finished_at_ms = 0;  // Unix time
  std::string error;                // why it failed; empty when ok
};

// Writes the status file atomically (temporary file, then rename). Errors: kIo.
[[nodiscard]] Status writeReloadStatus(const std::filesystem::path& data_dir,
                                       const ReloadStatus& status);

// Reads the status file; nullopt when there is none yet. Errors: kParse for a file that is not
// a status written by writeReloadStatus(), kIo when it cannot be read.
[[nodiscard]] Result<std::optional<ReloadStatus>> readReloadStatus(
    const std::filesystem::path& data_dir);

}  // namespace holdfast::cli
