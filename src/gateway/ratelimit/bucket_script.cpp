#include "gateway/ratelimit/bucket_script.h"

#include <cstdio>

namespace mc::gateway::ratelimit {

namespace {

// "now" is Redis's own TIME, not the caller's clock: every replica then measures refill on
// one clock, and a gateway host with a skewed clock cannot drain or refill a shared bucket.
// (Redis 7 replicates scripts by their effects, so reading TIME inside one is allowed.)
// The state is a hash {tokens, ts}: tokens may be fractional, ts is microseconds. Lua numbers
// are doubles: exact for microsecond timestamps (< 2^53) and the validated policy bounds.
// The key expires when the bucket would be full again: a missing key means a full bucket,
// so idle clients cost Redis no memory.
constexpr const char* lua = R"lua(
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = tokens + (now - ts) * rate / 1000000
  ts = now
end
if tokens > capacity then tokens = capacity end
local allowed = 0
local retry_us = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry_us = math.ceil((cost - tokens) * 1000000 / rate)
end
local full_us = math.ceil((capacity - tokens) * 1000000 / rate)
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', ts)
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(full_us / 1000)))
return {allowed, math.floor(tokens), retry_us, full_us}
)lua";

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

const redis::script& bucket_script() {
  static const redis::script s(lua);
  return s;
}

std::vector<std::string> bucket_script_args(const policy& p) {
  return {std::to_string(p.burst), format_double(p.rate_per_s), "1"};
}

std::optional<decision> parse_bucket_reply(const policy& p, const redis::reply& r) {
  if (r.type != redis::reply_type::array || r.elements.size() != 4) return std::nullopt;
  for (const auto& e : r.elements) {
    if (e.type != redis::reply_type::integer) return std::nullopt;
  }
  const auto& e = r.elements;
  if (e[0].integer != 0 && e[0].integer != 1) return std::nullopt;
  return make_decision(p, e[0].integer == 1, e[1].integer, e[2].integer, e[3].integer);
}

}  // namespace mc::gateway::ratelimit
