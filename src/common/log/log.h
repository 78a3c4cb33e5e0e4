// Structured logging: one JSON object per line on stdout, via spdlog.
// Every line carries ts, level, service and msg; callers add fields such as request_id.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace mc::log {

enum class level { debug, info, warn, error };

struct field {
  std::string_view key;
  std::string value;
};

// Call once at start. Lines below `min_level` are dropped. Safe to call again (tests).
void init(std::string_view service, level min_level = level::info);

void write(level lvl, std::string_view msg, std::initializer_list<field> fields = {});

inline void debug(std::string_view msg, std::initializer_list<field> fields = {}) {
  write(level::debug, msg, fields);
}
inline void info(std::string_view msg, std::initializer_list<field> fields = {}) {
  write(level::info, msg, fields);
}
inline void warn(std::string_view msg, std::initializer_list<field> fields = {}) {
  write(level::warn, msg, fields);
}
inline void error(std::string_view msg, std::initializer_list<field> fields = {}) {
  write(level::error, msg, fields);
}

// Appends `text` to `out` as a JSON string literal (with quotes), escaping as RFC 8259 requires.
void append_json_string(std::string& out, std::string_view text);

// Parses "debug" | "info" | "warn" | "error"; returns false for anything else.
bool parse_level(std::string_view text, level& out);

}  // namespace mc::log
