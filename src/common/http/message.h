// HTTP request and response values shared by the server, router, handlers and client.
// Deliberately free of Beast types so that handler code compiles without Beast headers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mc::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

// Error codes of the public API (docs: API.md "Errors"); the generic ones the server uses.
namespace code {
inline constexpr std::string_view bad_request = "BAD_REQUEST";
inline constexpr std::string_view unauthorized = "UNAUTHORIZED";
inline constexpr std::string_view forbidden = "FORBIDDEN";
inline constexpr std::string_view not_found = "NOT_FOUND";
inline constexpr std::string_view method_not_allowed = "METHOD_NOT_ALLOWED";
inline constexpr std::string_view payload_too_large = "PAYLOAD_TOO_LARGE";
inline constexpr std::string_view rate_limit = "RATE_LIMIT";
inline constexpr std::string_view internal_error = "INTERNAL_ERROR";
inline constexpr std::string_view service_unavailable = "SERVICE_UNAVAILABLE";
}  // namespace code

// Retry-After (seconds) that error_response() puts on every 503.
inline constexpr int default_retry_after_s = 1;

struct request {
  std::string method;   // "GET", "POST", ... as sent (HTTP methods are case-sensitive)
  std::string target;   // raw request-target: path plus "?query"
  std::string path;     // target up to '?', still percent-encoded
  std::string query;    // raw query after '?', without it
  header_list headers;  // in arrival order; use header() for lookups
  std::string body;
  std::string request_id;  // client's sane X-Request-ID, else a generated 32-hex-digit id
  std::string remote_ip;
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  int version = 11;                           // 10 or 11
  // The authenticated caller (a user id), set by an auth filter; empty when anonymous.
  std::string principal;

  // Case-insensitive; the first matching header.
  std::optional<std::string_view> header(std::string_view name) const;
  // Percent-decoded ('+' is a space) value of the first `name` in the query; "" when absent.
  std::string query_param(std::string_view name) const;
  std::optional<std::string> find_query_param(std::string_view name) const;
  // Path parameter `name` ("" when the route has none of that name).
  std::string_view param(std::string_view name) const;
};

struct response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Extra headers. The server writes Content-Type, Content-Length, X-Request-ID and
  // Connection itself; setting those here is ignored.
  header_list headers;

  // Replaces every header called `name` (case-insensitive) with one value.
  void set_header(std::string_view name, std::string value);
};

response json_response(int status, std::string body);
response text_response(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
// {"error":{"code":"...","message":"...","request_id":"..."}}; 503s also get Retry-After.
response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view request_id);

// ASCII case-insensitive equality, as header names compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace mc::http
