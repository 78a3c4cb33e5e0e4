// The boundary the HTTP filters check: take one token from the bucket `key` of a policy, and
// for an idempotent request also claim its key in the same step (one Redis round trip).
// Two implementations: redis_limiter (buckets shared by every gateway replica, with an
// in-process fallback while Redis is unreachable) and local_limiter (this process only).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

namespace net = boost::asio;

// Injected so tests control time; production passes steady_now.
using clock_fn = std::function<std::chrono::steady_clock::time_point()>;
inline std::chrono::steady_clock::time_point steady_now() {
  return std::chrono::steady_clock::now();
}

// One bucket of one policy.
struct bucket_ref {
  const policy* p;
  std::string_view key;
};

// The binding decision among one decision per bucket (see limiter::acquire_all).
decision binding(const std::vector<decision>& decisions);

// An exclusive claim on `key` (the in-flight lock of an idempotent request): taken only if
// no one holds it, held by `token` until released or `ttl` passes (a holder that died).
struct claim {
  std::string key;
  std::string token;
  std::chrono::milliseconds ttl;
};

enum class claim_result {
  taken,        // ours until release()
  held,         // someone else holds it
  not_tried,    // the request was refused by its rate limit
  unavailable,  // the store did not answer: nothing is held, the caller goes ahead unlocked
};

struct admission {
  decision rate;
  claim_result claimed;
};

class limiter {
 public:
  virtual ~limiter() = default;
  // Thread-safe. Never throws on the request path and always decides: an implementation
  // that cannot reach its store decides locally rather than failing the request.
  // `p` must have passed validate(); `p` and `key` must stay valid until the returned
  // awaitable completes (co_await it at once).
  virtual net::awaitable<decision> acquire(const policy& p, std::string_view key) = 0;

  // One token from each of several buckets (a request's IP and its user) in one step: the
  // request is allowed only if every bucket has a token. The answer is the binding bucket's:
  // when refused, the one that frees up last; when allowed, the one with the fewest tokens left.
  // Same lifetime rules as acquire.
  virtual net::awaitable<decision> acquire_all(std::vector<bucket_ref> buckets) = 0;

  // acquire_all, and when that allows the request, `c` in the same step. This base version
  // has no shared store to claim in: the claim is unavailable.
  virtual net::awaitable<admission> acquire_all_and_claim(std::vector<bucket_ref> buckets,
                                                          const claim& c);
  // Gives back a claim that acquire_all_and_claim took, if `c.token` still holds it. Does not
  // wait; a later acquire_all_and_claim of the same key is ordered after it.
  virtual void release(const claim& c);
};

using limiter_ptr = std::unique_ptr<limiter>;

}  // namespace mc::gateway::ratelimit
