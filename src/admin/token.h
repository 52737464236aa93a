// Bearer tokens of the admin API: created once, kept in a file that only its owner can read.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace holdfast::admin {

// Random bytes in a new token (hex-encoded to twice as many characters).
inline constexpr std::size_t kTokenBytes = 32;

// Shortest token accepted from a file an operator wrote: shorter ones are guessable.
inline constexpr std::size_t kMinTokenChars = 16;

// Reads the token in `path`, or creates the file with a new random token (mode 0600, created
// exclusively, so two processes never write different tokens). Surrounding whitespace is
// ignored. Errors: kIo when the file cannot be read or written; kConfig when it is readable or
// writable by group or others, or holds a token shorter than kMinTokenChars or with characters
// outside printable ASCII.
[[nodiscard]] Result<std::string> loadOrCreateToken(const std::filesystem::path& path);

// Reads the token in `path` with the same checks, never creating the file (for clients).
// Errors: kConfig for a missing file and the checks above; kIo when it cannot be read.
[[nodiscard]] Result<std::string> loadToken(const std::filesystem::path& path);

// Compares in time that depends only on the lengths, so a client cannot learn the token one
// character at a time from response times.
[[nodiscard]] bool tokensEqual(std::string_view expected, std::string_view given) noexcept;

// True when `authorization` is "Bearer <token>" (scheme in any case) for `token`.
[[nodiscard]] bool bearerMatches(std::string_view authorization, std::string_view token) noexcept;

}  // namespace holdfast::admin
