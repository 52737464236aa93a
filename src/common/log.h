// The logging facade: one named logger per component, each event a constant message plus fields.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/result.h"

namespace holdfast::log {

enum class Level {
  kTrace,
  kDebug,
  kInfo,
  kWarn,
  kError,
  kOff
};

enum class Format {
  kJson,  // one JSON object per line: for files, journald and log shippers
  kText,  // "level logger message key=value ...": for a terminal
};

// One key/value pair of an event. Keys are lowercase and dotted ("plan.generation").
struct Field {
  std::string_view key;
  std::string value;
  bool quoted = true;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}

  Field(std::string_view k, const char* v) : key(k), value(v) {}

  Field(std::string_view k, const std::string& v) : key(k), value(v) {}

  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}

  template <typename T>

  requires std::is_arithmetic_v<T> Field(std::string_view k, T v)
      : key(k), value(std::to_string(v)), quoted(false) {}
};

// Sets the process-wide threshold and output format. Thread-safe.
void configure(Level level, Format format);

// Sends every line to `out` instead of stderr (tests read what was logged); nullptr restores
// stderr. The stream must outlive its use.
void redirectForTesting(std::ostream* out);

// Parses "trace", "debug", "info", "warn", "error" or "off".
[[nodiscard]] Result<Level> parseLevel(std::string_view text);

// A named logger ("control.enactor"). Cheap to copy; safe to use from any thread.
class Logger {
public:
  explicit Logger(std::string component) : component_(std::move(component)) {}

  [[nodiscard]] bool enabled(Level level) const noexcept;

  void trace(std::string_view message, std::initializer_list<Field> fields = {}) const {
    write(Level::kTrace, message, fields);
  }

  void debug(std::string_view message, std::initializer_list<Field> fields = {}) const {
    write(Level::kDebug, message, fields);
  }

  void info(std::string_view message, std::initializer_list<Field> fields = {}) const {
    write(Level::kInfo, message, fields);
  }

  void warn(std::string_view message, std::initializer_list<Field> fields = {}) const {
    write(Level::kWarn, message, fields);
  }

  void error(std::string_view message, std::initializer_list<Field> fields = {}) const {
    write(Level::kError, message, fields);
  }

  void write(Level level, std::string_view message, std::initializer_list<Field> fields) const;

private:
  std::string component_;
};

}  // namespace holdfast::log
