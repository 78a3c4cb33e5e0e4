// The admission of idempotent money requests: the rate limits and an in-flight guard, taken
// in one Redis script call. While the first request with a key runs, a Redis lock (SET NX PX
// in the rate limiter's script, shared by every gateway replica) makes a second one with the
// same key answer 409 IDEM_IN_PROGRESS instead of racing it. The lock is only a courtesy to
// clients: TradeLedger's stored answer is the one durable record and decides replays and
// mismatches on its own, so when Redis is unreachable the request goes ahead unlocked (and
// the limits are enforced in-process, as on every other route).
#pragma once

#include <chrono>
#include <string>

#include "common/http/router.h"
#include "common/metrics/metrics.h"
#include "gateway/ratelimit/limiter.h"
#include "gateway/ratelimit/request_limits.h"

namespace mc::gateway::api {

namespace net = boost::asio;

struct idempotency_options {
  // Longer than any request may take (the ledger call's deadline: the gateway passes that plus
  // a second), so a lock held by a gateway that died frees itself soon.
  std::chrono::milliseconds lock_ttl{30'000};
};

inline constexpr std::size_t idempotency_key_bytes_max = 255;

// In the place of a rate-limit filter: `limits` as limit_by_ip_and_user checks them (429 with
// Retry-After, RateLimit-* headers on every answer), then 400 IDEMPOTENCY_KEY_REQUIRED
// without the header, 400 BAD_REQUEST for a key that is not 1..255 printable ASCII
// characters, 409 IDEM_IN_PROGRESS while another request holds the key. Runs after the auth
// filter: keys are scoped per user (req.principal). `l` must outlive the routes.
http::filter require_idempotency(ratelimit::limiter& l, ratelimit::request_limits limits,
                                 idempotency_options options = {});

}  // namespace mc::gateway::api
