#include "gateway/ratelimit/bucket_script.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace mc::gateway::ratelimit {

namespace {

// "now" is Redis's own TIME, not the caller's clock: every replica then measures refill on
// one clock, and a gateway host with a skewed clock cannot drain or refill a shared bucket.
// (Redis 7 replicates scripts by their effects, so reading TIME inside one is allowed.)
// The state is a hash {tokens, ts}: tokens may be fractional, ts is microseconds. Lua numbers
// are doubles: exact for microsecond timestamps (< 2^53) and the validated policy bounds.
// The key expires when the bucket would be full again: a missing key means a full bucket,
// so idle clients cost Redis no memory.
// The buckets' part; `n` (how many KEYS are buckets) is set before it, `out` returned after.
constexpr std::string_view lua_buckets = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tokens, ts = {}, {}
local all = 1
for i = 1, n do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tk = tonumber(state[1])
  local at = tonumber(state[2])
  if tk == nil or at == nil then
    tk = capacity
    at = now
  end
  if now > at then
    tk = tk + (now - at) * rate / 1000000
    at = now
  end
  if tk > capacity then tk = capacity end
  tokens[i] = tk
  ts[i] = at
  if tk < cost then all = 0 end
end
local out = {}
for i = 1, n do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  local retry_us = 0
  if all == 1 then
    tokens[i] = tokens[i] - cost
  elseif tokens[i] < cost then
    retry_us = math.ceil((cost - tokens[i]) * 1000000 / rate)
  end
  local full_us = math.ceil((capacity - tokens[i]) * 1000000 / rate)
  redis.call('HSET', KEYS[i], 'tokens', tokens[i], 'ts', ts[i])
  redis.call('PEXPIRE', KEYS[i], math.max(1, math.ceil(full_us / 1000)))
  out[#out + 1] = all
  out[#out + 1] = math.floor(tokens[i])
  out[#out + 1] = retry_us
  out[#out + 1] = full_us
end
)lua";

// The admission script's claim: the last KEY, taken only if the buckets allowed the request.
constexpr std::string_view lua_claim = R"lua(
local claimed = -1
if all == 1 then
  if redis.call('SET', KEYS[n + 1], ARGV[3 * n + 1], 'NX', 'PX', ARGV[3 * n + 2]) then
    claimed = 1
  else
    claimed = 0
  end
end
out[#out + 1] = claimed
)lua";

// The buckets' integers: the first `count` elements, four per policy.
std::optional<std::vector<decision>> parse_bucket_elements(
    const std::vector<const policy*>& policies, const std::vector<redis::reply>& elements,
    std::size_t count) {
  if (count != 4 * policies.size()) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    if (elements[i].type != redis::reply_type::integer) return std::nullopt;
  }
  std::vector<decision> out;
  out.reserve(policies.size());
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto* e = &elements[4 * i];
    if (e[0].integer != 0 && e[0].integer != 1) return std::nullopt;
    out.push_back(
        make_decision(*policies[i], e[0].integer == 1, e[1].integer, e[2].integer, e[3].integer));
  }
  return out;
}

std::string compose(std::string_view head, std::string_view tail) {
  std::string s(head);
  s.append(lua_buckets).append(tail).append("return out\n");
  return s;
}

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

const redis::script& bucket_script() {
  static const redis::script s(compose("local n = #KEYS", ""));
  return s;
}

const redis::script& admission_script() {
  static const redis::script s(compose("local n = #KEYS - 1", lua_claim));
  return s;
}

std::vector<std::string> admission_script_args(const std::vector<const policy*>& policies,
                                               const claim& c) {
  auto args = bucket_script_args(policies);
  args.push_back(c.token);
  args.push_back(std::to_string(std::max<std::int64_t>(1, c.ttl.count())));
  return args;
}

std::optional<admission> parse_admission_reply(const std::vector<const policy*>& policies,
                                               const redis::reply& r) {
  if (r.type != redis::reply_type::array || r.elements.empty()) return std::nullopt;
  const redis::reply& last = r.elements.back();
  if (last.type != redis::reply_type::integer || last.integer < -1 || last.integer > 1) {
    return std::nullopt;
  }
  auto decisions = parse_bucket_elements(policies, r.elements, r.elements.size() - 1);
  if (!decisions) return std::nullopt;
  const decision d = binding(*decisions);
  const claim_result claimed = last.integer == 1   ? claim_result::taken
                               : last.integer == 0 ? claim_result::held
                                                   : claim_result::not_tried;
  // The script claims exactly when every bucket allowed: anything else is not its answer.
  if ((claimed == claim_result::not_tried) == d.allowed) return std::nullopt;
  return admission{d, claimed};
}

std::vector<std::string> bucket_script_args(const std::vector<const policy*>& policies) {
  std::vector<std::string> args;
  args.reserve(3 * policies.size());
  for (const policy* p : policies) {
    args.push_back(std::to_string(p->burst));
    args.push_back(format_double(p->rate_per_s));
    args.push_back("1");
  }
  return args;
}

std::optional<std::vector<decision>> parse_bucket_reply(const std::vector<const policy*>& policies,
                                                        const redis::reply& r) {
  if (r.type != redis::reply_type::array) return std::nullopt;
  return parse_bucket_elements(policies, r.elements, r.elements.size());
}

}  // namespace mc::gateway::ratelimit
