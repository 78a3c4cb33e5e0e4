// Reads and validates process configuration from environment variables at start-up.
// Every failure throws config_error naming the variable; load_or_exit turns that into one
// stderr line and exit code 2, so a bad deployment stops immediately and says why.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mc::config {

// Thrown by env_reader. what() is "VARIABLE: reason". Start-up only; never on a request path.
class config_error : public std::runtime_error {
 public:
  config_error(std::string variable, std::string reason);

  const std::string& variable() const noexcept { return variable_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string variable_;
  std::string reason_;
};

// Returns the variable's value, or nullopt when it is not set.
using lookup_fn = std::function<std::optional<std::string>(const std::string& name)>;

// Looks names up with ::getenv (the default for env_reader).
lookup_fn process_env();

// Looks names up in a fixed map, for tests: no mutation of the real process environment.
lookup_fn map_env(std::map<std::string, std::string, std::less<>> values);

// Typed accessors. A variable that is set to the empty string counts as not set, so
// `FOO=` in an env file falls back to the default (or fails `required`) rather than
// producing an empty host, port or secret.
class env_reader {
 public:
  explicit env_reader(lookup_fn lookup = process_env());

  // The raw value; nullopt when unset or empty.
  std::optional<std::string> raw(std::string_view name) const;

  // The value, or config_error "is required but not set".
  std::string required(std::string_view name) const;

  std::string get(std::string_view name, std::string_view fallback) const;

  // Like required, plus a minimum length; the value is never echoed in errors.
  std::string secret(std::string_view name, std::size_t min_bytes) const;

  // A TCP port 1..65535, decimal digits only.
  int port(std::string_view name, int fallback) const;

  // A decimal integer in [min, max] (optional leading '-', no '+', no spaces).
  int64_t integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;

  // "true"/"false" (any case) or "1"/"0".
  bool boolean(std::string_view name, bool fallback) const;

  // A non-negative whole number with an optional unit: "250" or "250ms", "5s", "2m", "1h".
  std::chrono::milliseconds duration_ms(std::string_view name,
                                        std::chrono::milliseconds fallback) const;

  // An absolute URL (checked with Boost.URL) whose scheme is one of `schemes` (compared
  // case-insensitively) and which names a host. An empty fallback makes the variable required.
  // Passwords in the URL are masked in error messages.
  std::string url(std::string_view name, std::string_view fallback,
                  std::initializer_list<std::string_view> schemes) const;

  // Comma-separated items, each trimmed of spaces; empty items ("a,,b") are an error.
  std::vector<std::string> list(std::string_view name, std::vector<std::string> fallback) const;

 private:
  lookup_fn lookup_;
};

// Prints exactly one line, "config error: VARIABLE: reason", to stderr and exits with code 2.
[[noreturn]] void exit_with(const config_error& error);

// Runs `load` (which reads config and returns the settings struct); on config_error, exits
// through exit_with. Typical use: `const auto cfg = load_or_exit([] { return load_gateway(); });`
template <class F>
auto load_or_exit(F&& load) -> decltype(std::forward<F>(load)()) {
  try {
    return std::forward<F>(load)();
  } catch (const config_error& error) {
    exit_with(error);
  }
}

}  // namespace mc::config
