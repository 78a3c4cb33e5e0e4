// The HTTP side of rate limiting: filters that check a policy per client IP or per
// authenticated user, put RateLimit-Limit / -Remaining / -Reset on every response they let
// through, and answer 429 RATE_LIMIT with Retry-After when the bucket is empty.
//
// Typical chains: /auth/*: {limit_by_ip(l, o.auth_ip)}; public /api/* reads: {limit_by_ip(l, o.ip)};
// authenticated /api/*: {<auth>, limit_by_ip_and_user(l, o.ip, o.user), ...}: one Redis call
// checks both buckets. A request with a bad token is refused by auth (an HMAC, no Redis).
#pragma once

#include "common/http/router.h"
#include "gateway/ratelimit/limiter.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

// Keyed by req.remote_ip (the TCP peer, or the client a trusted proxy names in
// X-Forwarded-For: server_options::trusted_proxies). `l` must outlive
// the routes. Throws std::invalid_argument on an invalid policy (start-up).
http::filter limit_by_ip(limiter& l, policy p);

// Keyed by req.principal, so it must run after the auth filter. Anonymous requests (empty
// principal) pass unchecked: they are the IP limit's business.
http::filter limit_by_user(limiter& l, policy p);

// Both in one limiter call (limiter::acquire_all), after the auth filter; an anonymous
// request is checked against its IP bucket only.
http::filter limit_by_ip_and_user(limiter& l, policy ip, policy user);

}  // namespace mc::gateway::ratelimit
