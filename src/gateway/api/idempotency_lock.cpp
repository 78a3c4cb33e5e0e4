#include "gateway/api/idempotency_lock.h"

#include <sodium.h>

#include <functional>

#include "common/log/log.h"

namespace mc::gateway::api {

namespace {

bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string random_token() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xf]);
  }
  return out;
}

// Deletes the lock only if it is still ours (it may have expired and been taken by another).
// Sent as EVAL, not EVALSHA: one command whatever Redis's script cache holds, so it stays in
// order with the key's next SET NX (see run()). Redis caches the compiled script either way.
constexpr std::string_view release_script =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";

// A named class with a member coroutine rather than a lambda coroutine, and no braced
// temporaries in coroutine statements: GCC 12 miscompiles both (double-destroyed temporaries).
class idempotency_lock {
 public:
  idempotency_lock(redis::async_client& redis, idempotency_options options)
      : redis_(redis),
        options_(options),
        conflicts_(
            metrics::default_registry().counter("gateway_idempotency_in_progress_total",
                                                "Requests refused while their key was in flight")),
        unlocked_(metrics::default_registry().counter(
            "gateway_idempotency_unlocked_total",
            "Requests run without the Redis lock (Redis down)")) {}

  net::awaitable<http::response> run(http::request& req, const http::handler& next) {
    const auto key = req.header("Idempotency-Key");
    if (!key || key->empty()) {
      co_return http::error_response(400, "IDEMPOTENCY_KEY_REQUIRED",
                                     "the Idempotency-Key header is required", req.request_id);
    }
    if (key->size() > idempotency_key_bytes_max || !printable_ascii(*key)) {
      co_return http::error_response(400, http::code::bad_request,
                                     "Idempotency-Key must be 1..255 printable ASCII characters",
                                     req.request_id);
    }
    std::string lock_key = "idem:";
    lock_key.append(req.principal).append(":").append(*key);
    const std::string token = random_token();
    std::vector<std::string> set_cmd;
    set_cmd.reserve(6);
    set_cmd.push_back("SET");
    set_cmd.push_back(lock_key);
    set_cmd.push_back(token);
    set_cmd.push_back("NX");
    set_cmd.push_back("PX");
    set_cmd.push_back(std::to_string(options_.lock_ttl.count()));
    // The lock and its release travel on the key's own connection, so a release sent without
    // waiting is run before the SET NX of a retry the client sends once it has the answer.
    const std::size_t affinity = std::hash<std::string>{}(lock_key);
    auto set = redis_.command_on(std::move(set_cmd), affinity);
    const redis::reply r = co_await std::move(set);
    const bool locked = r.ok() && !r.is_nil();
    if (r.ok() && r.is_nil()) {
      conflicts_.inc();
      co_return http::error_response(409, "IDEM_IN_PROGRESS",
                                     "a request with this Idempotency-Key is still in progress",
                                     req.request_id);
    }
    if (!r.ok()) {
      unlocked_.inc();
      log::warn("idempotency lock unavailable, continuing without it",
                {{"request_id", req.request_id}, {"error", r.str}});
    }
    auto inner = next(req);
    http::response res = co_await std::move(inner);
    if (locked) {
      // Not awaited: the answer need not wait a Redis round trip for the release. Queued
      // before the answer leaves, so it is ahead of anything the client sends next.
      std::vector<std::string> release;
      release.reserve(5);
      release.push_back("EVAL");
      release.push_back(std::string(release_script));
      release.push_back("1");
      release.push_back(std::move(lock_key));
      release.push_back(token);
      redis_.send_on(release, affinity);
    }
    co_return res;
  }

 private:
  redis::async_client& redis_;
  idempotency_options options_;
  metrics::counter& conflicts_;
  metrics::counter& unlocked_;
};

}  // namespace

http::filter require_idempotency(redis::async_client& redis, idempotency_options options) {
  auto lock = std::make_shared<idempotency_lock>(redis, options);
  return [lock](http::request& req, const http::handler& next) { return lock->run(req, next); };
}

}  // namespace mc::gateway::api
