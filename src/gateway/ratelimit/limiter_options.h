// Configuration of the gateway's rate limits: the three policies and how the Redis-backed
// limiter behaves when Redis is slow or gone. The service maps environment variables onto it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/redis/async_client.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

// Every Redis call of the limiter sits on a request's path, so its waits are short: a slow
// or dead Redis costs a request at most about queue_wait + command_timeout before the
// local fallback decides, and while Redis is known down only one probe per
// redis_probe_interval pays even that.
inline redis::async_client_options default_redis_options() {
  redis::async_client_options o;
  o.connections = 2;  // each pipelines any number of calls
  o.queue_max = 4096;
  o.queue_wait_ms = std::chrono::milliseconds(100);
  o.client.connect_timeout_ms = std::chrono::milliseconds(250);
  o.client.command_timeout_ms = std::chrono::milliseconds(250);
  o.client.reconnect_interval_ms = std::chrono::milliseconds(100);
  return o;
}

struct limiter_options {
  // /api/* per authenticated user and per client IP; /auth/* per client IP, stricter
  // because every attempt there may cost a password hash.
  policy user{"user", 20.0, 40};
  policy ip{"ip", 50.0, 100};
  policy auth_ip{"auth_ip", 5.0, 10};

  // Redis keys are <key_prefix><policy name>:<key>, e.g. "ratelimit:ip:203.0.113.7".
  std::string key_prefix = "ratelimit:";
  redis::async_client_options redis = default_redis_options();
  // While Redis is down, one request per interval tries it again; the rest go local at once.
  std::chrono::milliseconds redis_probe_interval{500};
  // A connection error that comes back this fast is a socket Redis closed while it sat idle
  // (Redis restarted; every pooled connection finds out on its next use): the call is tried
  // again on the next free connection, at most once per connection, so one restart does not
  // look like an outage. Slower failures (timeouts) are never retried.
  std::chrono::milliseconds redis_retry_budget{20};
  // Buckets the local fallback keeps; beyond it the least recently used bucket is dropped
  // (about 100 bytes each, so the default bounds the fallback at roughly 10 MB).
  std::size_t local_buckets_max = 100'000;
};

// Throws std::invalid_argument (start-up) on a bad policy, empty key prefix or zero limits.
void validate(const limiter_options& o);

}  // namespace mc::gateway::ratelimit
