#include "gateway/ratelimit/rate_limit_headers.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace mc::gateway::ratelimit {

namespace {

std::optional<std::int64_t> header_int(const http::response& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (!http::iequals(k, name)) continue;
    std::int64_t out = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

}  // namespace

void apply_headers(http::response& res, const decision& d) {
  const auto remaining = header_int(res, header_remaining);
  if (remaining) {
    const std::int64_t reset = header_int(res, header_reset).value_or(0);
    if (*remaining < d.remaining || (*remaining == d.remaining && reset >= d.reset_s)) return;
  }
  res.set_header(header_limit, std::to_string(d.limit));
  res.set_header(header_remaining, std::to_string(d.remaining));
  res.set_header(header_reset, std::to_string(d.reset_s));
}

http::response too_many_requests(const decision& d, std::string_view request_id) {
  http::response res = http::error_response(429, http::code::rate_limit,
                                            "too many requests, retry later", request_id);
  apply_headers(res, d);
  res.set_header(header_retry_after, std::to_string(d.retry_after_s));
  return res;
}

}  // namespace mc::gateway::ratelimit
