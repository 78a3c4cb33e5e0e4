// How a rate-limit decision is written onto a response. When two limits apply to one request
// (per IP and per user) the one with fewer requests remaining is shown, so a client that
// follows the headers never runs into the other.
#pragma once

#include "common/http/message.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

inline constexpr std::string_view header_limit = "RateLimit-Limit";
inline constexpr std::string_view header_remaining = "RateLimit-Remaining";
inline constexpr std::string_view header_reset = "RateLimit-Reset";
inline constexpr std::string_view header_retry_after = "Retry-After";

// Sets the RateLimit-* headers from `d` unless `res` already carries a more restrictive set
// (fewer remaining; on a tie, the later reset).
void apply_headers(http::response& res, const decision& d);

// 429 RATE_LIMIT in the API's error shape, with the RateLimit-* headers and Retry-After.
http::response too_many_requests(const decision& d, std::string_view request_id);

}  // namespace mc::gateway::ratelimit
