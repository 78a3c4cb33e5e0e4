// The Redis side of the token buckets: one Lua script that refills one or more buckets, takes
// a token from each only if every one has a token, and sets the keys' expiry, in a single
// atomic step, so concurrent gateway replicas never race on a bucket and a request checked
// against its IP and its user costs one call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/redis/reply.h"
#include "common/redis/script.h"
#include "gateway/ratelimit/limiter.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

// KEYS[i] = bucket i; ARGV[3i-2..3i] = its burst, rate per second, cost. Returns four integers
// per bucket: {allowed (0|1, the same for all: every bucket or none is charged), whole tokens
// remaining, microseconds until `cost` fits in this bucket (0 if it fits), microseconds until
// full}. (All keys of one call must live on one Redis node: one server here.)
const redis::script& bucket_script();
// ARGV for bucket_script(): one triple per policy, for one request.
std::vector<std::string> bucket_script_args(const std::vector<const policy*>& policies);
// One decision per policy; nullopt unless `r` is the array the script returns for them.
std::optional<std::vector<decision>> parse_bucket_reply(const std::vector<const policy*>& policies,
                                                        const redis::reply& r);

// bucket_script() plus a claim in the same atomic step: KEYS = the buckets, then the claim's
// key; ARGV = the buckets' triples, then the claim's token and its expiry in milliseconds.
// Returns the buckets' integers, then 1 (claimed), 0 (held by another token) or -1 (not tried:
// the buckets refused the request).
const redis::script& admission_script();
std::vector<std::string> admission_script_args(const std::vector<const policy*>& policies,
                                               const claim& c);
// The binding decision and the claim's fate; nullopt unless `r` is the script's answer.
std::optional<admission> parse_admission_reply(const std::vector<const policy*>& policies,
                                               const redis::reply& r);

}  // namespace mc::gateway::ratelimit
