// Result<T>: a value or an Error, the project's way of returning failures without exceptions.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace holdfast {

// One error code space for the whole code base.
enum class Errc {
  kInvalidArgument,  // a caller passed something malformed
  kNotFound,         // the thing asked for does not exist
  kParse,            // input text or wire data could not be parsed
  kConfig,           // a configuration value is missing or wrong
  kIo,               // the operating system refused (open, read, write, bind)
  kStore,            // the store backend failed (not a lost compare-and-swap)
  kNetwork,          // a socket or peer failed
  kTimeout,          // a bounded wait ran out
  kCompacted,        // a watch asked for history the store no longer keeps
  kNotImplemented,   // the feature is not built; never a silent no-op
  kInternal,         // a broken invariant that could be reported instead of crashing
};

// Short stable name of an error code, for logs ("error.code") and messages.
[[nodiscard]] constexpr std::string_view errcName(Errc code) noexcept {
  switch (code) {
    case Errc::kInvalidArgument:
      return "invalid-argument";
    case Errc::kNotFound:
      return "not-found";
    case Errc::kParse:
      return "parse";
    case Errc::kConfig:
      return "config";
    case Errc::kIo:
      return "io";
    case Errc::kStore:
      return "store";
    case Errc::kNetwork:
      return "network";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kCompacted:
      return "compacted";
    case Errc::kNotImplemented:
      return "not-implemented";
    case Errc::kInternal:
      return "internal";
  }
  return "unknown";
}

// An error code plus a message that says what went wrong and where (file:line, key, field).
struct Error {
  Errc code = Errc::kInternal;
  std::string message;

  [[nodiscard]] std::string toString() const {
    return std::string(errcName(code)) + ": " + message;
  }
};

[[nodiscard]] inline Error makeError(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

// A value of type T or an Error. Accessing the wrong alternative is a programming error.
template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design

  Result(Error error)
      : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }

  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & { return std::get<0>(v_); }

  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }

  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }

  [[nodiscard]] const Error& error() const { return std::get<1>(v_); }

  T& operator*() & { return value(); }

  const T& operator*() const& { return value(); }

  T* operator->() { return &value(); }

  const T* operator->() const { return &value(); }

private:
  std::variant<T, Error> v_;
};

// Success or an Error, for operations that return nothing.
template <>
class [[nodiscard]] Result<void> {
public:
  Result() = default;

  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return ok_; }

  explicit operator bool() const noexcept { return ok_; }

  [[nodiscard]] const Error& error() const { return error_; }

private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

[[nodiscard]] inline Status okStatus() {
  return Status();
}

}  // namespace holdfast
