// The resolver's HTTP API around a running service: the token, the cache routes, and the
// resolver.json file in data_dir that tells `holdfast cache` where to find it.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "resolver/resolver_options.h"

namespace holdfast::cli {

// Where a running `holdfast resolver` tells the CLI its API address and token file.
[[nodiscard]] std::filesystem::path resolverInfoPath(const std::filesystem::path& data_dir);

// The token file of `ops`: ops.token_file, or data_dir/resolver.token.
[[nodiscard]] std::filesystem::path resolverTokenPath(const resolver::ResolverOpsOptions& ops);

// Writes resolver.json (address, absolute token file, pid) in `data_dir`, creating the
// directory; temporary file, then rename. Errors: kIo.
[[nodiscard]] Status writeResolverInfo(const std::filesystem::path& data_dir,
                                       const std::string& address,
                                       const std::filesystem::path& token_file);

// Removes resolver.json if it still names this process (another resolver on the same data_dir
// may have replaced it).
// Limitation: data_dir is not locked for the resolver (unlike `up`'s), so of two resolvers with
// one data_dir the CLI finds the one that started last; give each its own data_dir.
void removeResolverInfo(const std::filesystem::path& data_dir) noexcept;

}  // namespace holdfast::cli
