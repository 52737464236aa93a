// A test helper: a fresh private directory that is removed with everything in it at scope end.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace holdfast::store::test_support {

class TempDir {
public:
  // Creates a new directory under the system temp directory; empty path() if that failed.
  TempDir() {
    // mkdtemp replaces the trailing six 'X' with a unique suffix.
    const std::string name = "holdfast-store-" + std::string(6, 'X');
    std::string pattern = (std::filesystem::temp_directory_path() / name).string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }

  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

}  // namespace holdfast::store::test_support
