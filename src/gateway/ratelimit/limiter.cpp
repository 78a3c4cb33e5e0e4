#include "gateway/ratelimit/limiter.h"

#include <algorithm>

namespace mc::gateway::ratelimit {

decision binding(const std::vector<decision>& decisions) {
  if (decisions.empty()) return decision{true};
  const bool allowed =
      std::all_of(decisions.begin(), decisions.end(), [](const decision& d) { return d.allowed; });
  if (allowed) {
    // The bucket that runs out first is the one the client has to pace itself by.
    return *std::min_element(
        decisions.begin(), decisions.end(),
        [](const decision& a, const decision& b) { return a.remaining < b.remaining; });
  }
  // Refused: a retry is served only once every bucket has a token again.
  decision d = *std::max_element(
      decisions.begin(), decisions.end(),
      [](const decision& a, const decision& b) { return a.retry_after_s < b.retry_after_s; });
  d.allowed = false;
  return d;
}

}  // namespace mc::gateway::ratelimit

namespace mc::gateway::ratelimit {

net::awaitable<admission> limiter::acquire_all_and_claim(std::vector<bucket_ref> buckets,
                                                         const claim&) {
  auto check = acquire_all(std::move(buckets));
  const decision d = co_await std::move(check);
  co_return admission{d, d.allowed ? claim_result::unavailable : claim_result::not_tried};
}

void limiter::release(const claim&) {}

}  // namespace mc::gateway::ratelimit
