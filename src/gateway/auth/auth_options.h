// Settings of the gateway's auth part: token keys and lifetimes, and the size of the
// password-hashing pool. The gateway maps its environment onto this; defaults are the
// production values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace mc::gateway::auth {

// Unix seconds; injected so tests can mint tokens in the past or the future.
using clock_fn = std::function<std::int64_t()>;
std::int64_t system_now_s();

struct auth_options {
  std::string jwt_secret;  // HS256 key of user access tokens (JWT_SECRET, >= 16 bytes)
  // Short-lived: an access token cannot be revoked, only allowed to run out.
  std::chrono::seconds access_ttl{std::chrono::minutes(15)};
  std::chrono::seconds refresh_ttl{std::chrono::hours(24 * 30)};
  // argon2id at the INTERACTIVE limits uses 64 MiB and ~50-100 ms of one core per call, so
  // the pool is small and its queue bounded: beyond it callers get 503 instead of a backlog.
  std::size_t hash_workers = 2;
  std::size_t hash_queue_max = 64;
  clock_fn now_s = system_now_s;
};

}  // namespace mc::gateway::auth
