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
