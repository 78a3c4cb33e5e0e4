#include "gateway/api/idempotency_lock.h"

#include <sodium.h>

#include "common/log/log.h"
#include "common/redis/script.h"

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
const redis::script& release_script() {
  static const redis::script s(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
      "return 0");
  return s;
}

}  // namespace

http::filter require_idempotency(redis::async_client& redis, idempotency_options options) {
  auto& conflicts = metrics::default_registry().counter(
      "gateway_idempotency_in_progress_total", "Requests refused while their key was in flight");
  auto& unlocked = metrics::default_registry().counter(
      "gateway_idempotency_unlocked_total", "Requests run without the Redis lock (Redis down)");
  return [&redis, options, &conflicts, &unlocked](
             http::request& req, const http::handler& next) -> net::awaitable<http::response> {
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
    const std::string lock_key = "idem:" + req.principal + ":" + std::string(*key);
    const std::string token = random_token();
    auto set = redis.command(
        {"SET", lock_key, token, "NX", "PX", std::to_string(options.lock_ttl.count())});
    const redis::reply r = co_await std::move(set);
    const bool locked = r.ok() && !r.is_nil();
    if (r.ok() && r.is_nil()) {
      conflicts.inc();
      co_return http::error_response(409, "IDEM_IN_PROGRESS",
                                     "a request with this Idempotency-Key is still in progress",
                                     req.request_id);
    }
    if (!r.ok()) {
      unlocked.inc();
      log::warn("idempotency lock unavailable, continuing without it",
                {{"request_id", req.request_id}, {"error", r.str}});
    }
    auto inner = next(req);
    http::response res = co_await std::move(inner);
    if (locked) {
      auto release = redis.eval(release_script(), {lock_key}, {token});
      co_await std::move(release);
    }
    co_return res;
  };
}

}  // namespace mc::gateway::api
