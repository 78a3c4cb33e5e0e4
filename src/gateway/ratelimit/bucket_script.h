// The Redis side of a token bucket: one Lua script that refills, takes a token and sets the
// key's expiry in a single atomic step, so concurrent gateway replicas never race on a bucket.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/redis/reply.h"
#include "common/redis/script.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

// KEYS[1] = bucket; ARGV = burst, rate per second, cost. Returns
// {allowed (0|1), whole tokens remaining, microseconds until `cost` fits (0 if allowed),
// microseconds until full}.
const redis::script& bucket_script();

// ARGV for bucket_script() for one request under `p`.
std::vector<std::string> bucket_script_args(const policy& p);

// nullopt unless `r` is the four-integer array the script returns.
std::optional<decision> parse_bucket_reply(const policy& p, const redis::reply& r);

}  // namespace mc::gateway::ratelimit
