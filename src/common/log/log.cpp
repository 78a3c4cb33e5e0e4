// JSON-lines logger on top of spdlog. The message body is assembled here (so it is always
// valid JSON); spdlog adds the timestamp and level and does the thread-safe write.
#include "common/log/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

namespace mc::log {
namespace {

spdlog::level::level_enum to_spdlog(level lvl) {
  switch (lvl) {
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warn:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> make_logger(std::string_view service, level min_level) {
  std::string service_json;
  append_json_string(service_json, service);
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("mc", sink);
  // The level name is spdlog's lowercase name ("debug", "info", "warning", "error").
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "{\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"%l\",\"service\":" + service_json + ",%v}",
      spdlog::pattern_time_type::utc));
  logger->set_level(to_spdlog(min_level));
  // Flushed per line so a crash (or kill -9 in the crash tests) loses no log line.
  logger->flush_on(spdlog::level::debug);
  return logger;
}

// A default logger exists from the first use (thread-safe static initialisation); init()
// replaces it and is meant to be called once at start-up, before other threads log.
std::shared_ptr<spdlog::logger>& instance() {
  static std::shared_ptr<spdlog::logger> logger = make_logger("microcoin", level::info);
  return logger;
}

}  // namespace

void init(std::string_view service, level min_level) {
  instance() = make_logger(service, min_level);
}

void write(level lvl, std::string_view msg, std::initializer_list<field> fields) {
  auto& logger = instance();
  if (!logger->should_log(to_spdlog(lvl))) return;
  std::string body = "\"msg\":";
  append_json_string(body, msg);
  for (const auto& f : fields) {
    body += ',';
    append_json_string(body, f.key);
    body += ':';
    append_json_string(body, f.value);
  }
  logger->log(to_spdlog(lvl), std::string_view(body));
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
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
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool parse_level(std::string_view text, level& out) {
  if (text == "debug")
    out = level::debug;
  else if (text == "info")
    out = level::info;
  else if (text == "warn")
    out = level::warn;
  else if (text == "error")
    out = level::error;
  else
    return false;
  return true;
}

}  // namespace mc::log
