#include "gateway/api/idempotency_lock.h"

#include <sodium.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/log/log.h"
#include "gateway/ratelimit/rate_limit_headers.h"

namespace mc::gateway::api {

namespace {

bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// A lock's token only has to be unique among the holders of one key (the release deletes the
// lock only while it still holds this token), not secret. So each thread draws 16 random bytes
// once and then counts: no getrandom system call per order, which costs microseconds on a VM.
std::string lock_token() {
  thread_local const std::string prefix = [] {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xf]);
    }
    return out;
  }();
  thread_local std::uint64_t counter = 0;
  return prefix + '-' + std::to_string(++counter);
}

// The refusal of a request whose key is missing or malformed; nullopt for a usable key.
std::optional<http::response> bad_key(const http::request& req) {
  const auto key = req.header("Idempotency-Key");
  if (!key || key->empty()) {
    return http::error_response(400, "IDEMPOTENCY_KEY_REQUIRED",
                                "the Idempotency-Key header is required", req.request_id);
  }
  if (key->size() > idempotency_key_bytes_max || !printable_ascii(*key)) {
    return http::error_response(400, http::code::bad_request,
                                "Idempotency-Key must be 1..255 printable ASCII characters",
                                req.request_id);
  }
  return std::nullopt;
}

// A named class with a member coroutine rather than a lambda coroutine, and no braced
// temporaries in coroutine statements: GCC 12 miscompiles both (double-destroyed temporaries).
class idempotent_admission {
 public:
  idempotent_admission(ratelimit::limiter& l, ratelimit::request_limits limits,
                       idempotency_options options)
      : limiter_(l),
        limits_(std::move(limits)),
        options_(options),
        conflicts_(
            metrics::default_registry().counter("gateway_idempotency_in_progress_total",
                                                "Requests refused while their key was in flight")),
        unlocked_(metrics::default_registry().counter(
            "gateway_idempotency_unlocked_total",
            "Requests run without the Redis lock (Redis down)")) {}

  net::awaitable<http::response> run(http::request& req, const http::handler& next) {
    if (auto refusal = bad_key(req)) {
      // Charged like any request, so malformed ones cannot be sent without limit.
      auto check = limiter_.acquire_all(limits_.buckets_for(req));
      const ratelimit::decision d = co_await std::move(check);
      limits_.count(req, d.allowed);
      if (!d.allowed) co_return ratelimit::too_many_requests(d, req.request_id);
      ratelimit::apply_headers(*refusal, d);
      co_return std::move(*refusal);
    }
    ratelimit::claim lock;
    lock.key = "idem:";
    lock.key.append(req.principal).append(":").append(*req.header("Idempotency-Key"));
    lock.token = lock_token();
    lock.ttl = options_.lock_ttl;
    auto admit = limiter_.acquire_all_and_claim(limits_.buckets_for(req), lock);
    const ratelimit::admission a = co_await std::move(admit);
    limits_.count(req, a.rate.allowed);
    if (!a.rate.allowed) co_return ratelimit::too_many_requests(a.rate, req.request_id);
    if (a.claimed == ratelimit::claim_result::held) {
      conflicts_.inc();
      http::response busy = http::error_response(
          409, "IDEM_IN_PROGRESS", "a request with this Idempotency-Key is still in progress",
          req.request_id);
      ratelimit::apply_headers(busy, a.rate);
      co_return busy;
    }
    if (a.claimed != ratelimit::claim_result::taken) {
      unlocked_.inc();
      log::warn("idempotency lock unavailable, continuing without it",
                {{"request_id", req.request_id}});
    }
    auto inner = next(req);
    http::response res = co_await std::move(inner);
    // Not awaited: the answer need not wait a Redis round trip for the release. Queued before
    // the answer leaves, so it is ahead of anything the client sends next.
    if (a.claimed == ratelimit::claim_result::taken) limiter_.release(lock);
    ratelimit::apply_headers(res, a.rate);
    co_return res;
  }

 private:
  ratelimit::limiter& limiter_;
  ratelimit::request_limits limits_;
  idempotency_options options_;
  metrics::counter& conflicts_;
  metrics::counter& unlocked_;
};

}  // namespace

http::filter require_idempotency(ratelimit::limiter& l, ratelimit::request_limits limits,
                                 idempotency_options options) {
  auto admission = std::make_shared<idempotent_admission>(l, std::move(limits), options);
  return [admission](http::request& req, const http::handler& next) {
    return admission->run(req, next);
  };
}

}  // namespace mc::gateway::api
