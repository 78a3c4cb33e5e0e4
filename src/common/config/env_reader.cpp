// Environment parsing for env_reader: strict formats, one clear reason per failure.
// Values echoed in messages are quoted, escaped and shortened so the error stays one line.
#include "common/config/env_reader.h"

#include <boost/url/parse.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace mc::config {
namespace {

// Echoed values longer than this are cut, so a pasted blob does not flood the log.
constexpr std::size_t echo_chars_max = 80;

// Renders a value as a quoted, single-line string for an error message.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size() && i < echo_chars_max; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (value.size() > echo_chars_max) out += "...";
  out += "\"";
  return out;
}

// Masks the password in "scheme://user:password@host/...", parsed or not.
std::string redact_url(std::string_view value) {
  const auto scheme_end = value.find("://");
  if (scheme_end == std::string_view::npos) return std::string(value);
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = value.find_first_of("/?#", authority);
  const std::string_view auth =
      value.substr(authority, authority_end == std::string_view::npos ? std::string_view::npos
                                                                      : authority_end - authority);
  const auto at = auth.rfind('@');
  if (at == std::string_view::npos) return std::string(value);
  const auto colon = auth.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(value);
  std::string out(value.substr(0, authority + colon + 1));
  out += "***";
  out += value.substr(authority + at);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Whole-string decimal integer; nullopt on any stray character or out-of-range value.
std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string join(std::initializer_list<std::string_view> items, std::string_view sep) {
  std::string out;
  for (auto item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

}  // namespace

config_error::config_error(std::string variable, std::string reason)
    : std::runtime_error(variable + ": " + reason),
      variable_(std::move(variable)),
      reason_(std::move(reason)) {}

lookup_fn process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    // getenv is read-only here; nothing in this project calls setenv after start-up.
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

lookup_fn map_env(std::map<std::string, std::string, std::less<>> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

env_reader::env_reader(lookup_fn lookup) : lookup_(std::move(lookup)) {}

std::optional<std::string> env_reader::raw(std::string_view name) const {
  auto value = lookup_(std::string(name));
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::string env_reader::required(std::string_view name) const {
  auto value = raw(name);
  if (!value) throw config_error(std::string(name), "is required but not set");
  return std::move(*value);
}

std::string env_reader::get(std::string_view name, std::string_view fallback) const {
  auto value = raw(name);
  return value ? std::move(*value) : std::string(fallback);
}

std::string env_reader::secret(std::string_view name, std::size_t min_bytes) const {
  std::string value = required(name);
  if (value.size() < min_bytes) {
    throw config_error(std::string(name), "must be at least " + std::to_string(min_bytes) +
                                              " bytes (got " + std::to_string(value.size()) + ")");
  }
  return value;
}

int env_reader::port(std::string_view name, int fallback) const {
  const auto value = raw(name);
  if (!value) return fallback;
  // Digits only: from_chars would accept "-1", which we want to report the same way.
  const bool digits = value->find_first_not_of("0123456789") == std::string::npos;
  const auto parsed = digits ? parse_int64(*value) : std::nullopt;
  if (!parsed || *parsed < 1 || *parsed > 65535) {
    throw config_error(std::string(name),
                       "must be an integer 1..65535 (got " + quoted(*value) + ")");
  }
  return static_cast<int>(*parsed);
}

int64_t env_reader::integer(std::string_view name, int64_t fallback, int64_t min,
                            int64_t max) const {
  const auto value = raw(name);
  if (!value) return fallback;
  const auto parsed = parse_int64(*value);
  if (!parsed || *parsed < min || *parsed > max) {
    throw config_error(std::string(name), "must be an integer " + std::to_string(min) + ".." +
                                              std::to_string(max) + " (got " + quoted(*value) +
                                              ")");
  }
  return *parsed;
}

bool env_reader::boolean(std::string_view name, bool fallback) const {
  const auto value = raw(name);
  if (!value) return fallback;
  if (iequals(*value, "true") || *value == "1") return true;
  if (iequals(*value, "false") || *value == "0") return false;
  throw config_error(std::string(name), "must be true, false, 1 or 0 (got " + quoted(*value) + ")");
}

std::chrono::milliseconds env_reader::duration_ms(std::string_view name,
                                                  std::chrono::milliseconds fallback) const {
  const auto value = raw(name);
  if (!value) return fallback;
  const std::string_view text = *value;
  const auto unit_at = text.find_first_not_of("0123456789");
  const std::string_view number = text.substr(0, unit_at);
  const std::string_view unit = unit_at == std::string_view::npos ? "" : text.substr(unit_at);
  int64_t per_unit_ms = 0;
  if (unit.empty() || unit == "ms")
    per_unit_ms = 1;
  else if (unit == "s")
    per_unit_ms = 1000;
  else if (unit == "m")
    per_unit_ms = 60 * 1000;
  else if (unit == "h")
    per_unit_ms = 60 * 60 * 1000;
  const auto count = number.empty() ? std::nullopt : parse_int64(number);
  int64_t total_ms = 0;
  if (per_unit_ms == 0 || !count || __builtin_mul_overflow(*count, per_unit_ms, &total_ms)) {
    throw config_error(
        std::string(name),
        "must be a duration such as 250ms, 5s, 2m, 1h or a number of milliseconds (got " +
            quoted(text) + ")");
  }
  return std::chrono::milliseconds(total_ms);
}

std::string env_reader::url(std::string_view name, std::string_view fallback,
                            std::initializer_list<std::string_view> schemes) const {
  auto value = raw(name);
  if (!value) {
    if (fallback.empty()) throw config_error(std::string(name), "is required but not set");
    value = std::string(fallback);
  }
  const auto fail = [&] {
    return config_error(std::string(name), "must be a " + join(schemes, " or ") +
                                               " URL with a host (got " +
                                               quoted(redact_url(*value)) + ")");
  };
  const auto parsed = boost::urls::parse_uri(*value);
  if (!parsed) throw fail();
  bool scheme_ok = false;
  for (auto scheme : schemes) scheme_ok = scheme_ok || iequals(parsed->scheme(), scheme);
  if (!scheme_ok || !parsed->has_authority() || parsed->encoded_host().empty()) throw fail();
  if (parsed->has_port()) {
    // Boost.URL is lenient about the port's characters; a service address needs a real one.
    const std::string_view port_text = parsed->port();
    const bool digits =
        !port_text.empty() && port_text.find_first_not_of("0123456789") == std::string_view::npos;
    const auto port = digits ? parse_int64(port_text) : std::nullopt;
    if (!port || *port < 1 || *port > 65535) throw fail();
  }
  return std::move(*value);
}

std::vector<std::string> env_reader::list(std::string_view name,
                                          std::vector<std::string> fallback) const {
  const auto value = raw(name);
  if (!value) return fallback;
  std::vector<std::string> items;
  std::string_view rest = *value;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = trim_spaces(rest.substr(0, comma));
    if (item.empty()) {
      throw config_error(
          std::string(name),
          "must be a comma-separated list without empty items (got " + quoted(*value) + ")");
    }
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

void exit_with(const config_error& error) {
  std::fprintf(stderr, "config error: %s: %s\n", error.variable().c_str(), error.reason().c_str());
  std::fflush(stderr);
  std::exit(2);  // NOLINT(concurrency-mt-unsafe): start-up, single thread
}

}  // namespace mc::config
