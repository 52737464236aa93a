// Formats events as JSON lines or text and hands them to spdlog.
#include "common/log.h"

#include <atomic>
#include <chrono>
#include <mutex>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace holdfast::log {

namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kJson};

std::mutex g_sink_mutex;
std::shared_ptr<spdlog::logger> g_sink;  // guarded by g_sink_mutex

std::shared_ptr<spdlog::logger> sink() {
  const std::lock_guard lock(g_sink_mutex);
  if (!g_sink) {
    g_sink = std::make_shared<spdlog::logger>("holdfast",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    g_sink->set_pattern("%v");
    g_sink->set_level(spdlog::level::trace);
    g_sink->flush_on(spdlog::level::trace);
  }
  return g_sink;
}

std::string_view levelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

// UTC wall time with milliseconds, ISO 8601: "2026-12-04T16:28:13.512Z".
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms.count() % 1000);
}

void appendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string formatJson(Level level,
                       std::string_view component,
                       std::string_view message,
                       std::initializer_list<Field> fields) {
  std::string out = "{\"ts\":";
  appendJsonString(out, timestamp());
  out += ",\"level\":";
  appendJsonString(out, levelName(level));
  out += ",\"logger\":";
  appendJsonString(out, component);
  out += ",\"msg\":";
  appendJsonString(out, message);
  for (const Field& field : fields) {
    out.push_back(',');
    appendJsonString(out, field.key);
    out.push_back(':');
    if (field.quoted) {
      appendJsonString(out, field.value);
    } else {
      out += field.value;
    }
  }
  out.push_back('}');
  return out;
}

std::string formatText(Level level,
                       std::string_view component,
                       std::string_view message,
                       std::initializer_list<Field> fields) {
  std::string out =
      fmt::format("{} {:<5} {} {}", timestamp(), levelName(level), component, message);
  for (const Field& field : fields) {
    out += fmt::format(" {}={}", field.key, field.value);
  }
  return out;
}

}  // namespace

void configure(Level level, Format format) {
  g_level.store(level);
  g_format.store(format);
}

void redirectForTesting(std::ostream* out) {
  const std::lock_guard lock(g_sink_mutex);
  if (out == nullptr) {
    g_sink.reset();
    return;
  }
  g_sink = std::make_shared<spdlog::logger>(
      "holdfast", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out, true));
  g_sink->set_pattern("%v");
  g_sink->set_level(spdlog::level::trace);
}

Result<Level> parseLevel(std::string_view text) {
  for (const Level level :
       {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff}) {
    if (text == levelName(level)) {
      return level;
    }
  }
  return makeError(Errc::kConfig, fmt::format("unknown log level '{}' (expected trace, debug, "
                                              "info, warn, error or off)",
                                              text));
}

bool Logger::enabled(Level level) const noexcept {
  return level != Level::kOff && level >= g_level.load(std::memory_order_relaxed);
}

void Logger::write(Level level,
                   std::string_view message,
                   std::initializer_list<Field> fields) const {
  if (!enabled(level)) {
    return;
  }
  const std::string line = g_format.load() == Format::kJson
                               ? formatJson(level, component_, message, fields)
                               : formatText(level, component_, message, fields);
  sink()->info(line);
}

}  // namespace holdfast::log
