#include "gateway/ratelimit/policy.h"

#include <algorithm>
#include <stdexcept>

namespace mc::gateway::ratelimit {

namespace {

// Above these a bucket is no limit at all, and the Lua script's float arithmetic stays exact.
constexpr double rate_per_s_max = 1e6;
constexpr std::int64_t burst_max = 1'000'000;

std::int64_t ceil_seconds(std::int64_t us) {
  if (us <= 0) return 0;
  return (us + 999'999) / 1'000'000;
}

}  // namespace

void validate(const policy& p) {
  if (p.name.empty()) throw std::invalid_argument("rate limit policy: empty name");
  for (char c : p.name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    if (!word) throw std::invalid_argument("rate limit policy " + p.name + ": bad name");
  }
  if (!(p.rate_per_s > 0.0 && p.rate_per_s <= rate_per_s_max)) {
    throw std::invalid_argument("rate limit policy " + p.name + ": rate must be in (0, 1e6]");
  }
  if (p.burst < 1 || p.burst > burst_max) {
    throw std::invalid_argument("rate limit policy " + p.name + ": burst must be 1..1000000");
  }
}

decision make_decision(const policy& p, bool allowed, std::int64_t remaining,
                       std::int64_t retry_after_us, std::int64_t reset_us) {
  decision d;
  d.allowed = allowed;
  d.limit = p.burst;
  d.remaining = std::clamp<std::int64_t>(remaining, 0, p.burst);
  d.reset_s = ceil_seconds(reset_us);
  d.retry_after_s = allowed ? 0 : std::max<std::int64_t>(1, ceil_seconds(retry_after_us));
  return d;
}

}  // namespace mc::gateway::ratelimit
