#include "gateway/ratelimit/redis_limiter.h"

#include <functional>
#include <utility>
#include <vector>

#include "common/log/log.h"
#include "gateway/ratelimit/bucket_script.h"

namespace mc::gateway::ratelimit {

namespace {

metrics::counter& fallback_decisions_for(std::string_view policy_name) {
  return metrics::default_registry().counter(
      "gateway_ratelimit_fallback_decisions_total",
      "Rate-limit decisions made by the in-process buckets because Redis did not answer",
      {{"policy", std::string(policy_name)}});
}

}  // namespace

redis_limiter::redis_limiter(const std::string& redis_url, limiter_options options, clock_fn clock)
    : redis_limiter(
          std::make_unique<redis::async_client>(redis_url, (validate(options), options.redis)),
          options, std::move(clock)) {}

redis_limiter::redis_limiter(const std::vector<net::any_io_executor>& loops,
                             const std::string& redis_url, limiter_options options, clock_fn clock)
    : redis_limiter(std::make_unique<redis::async_client>(loops, redis_url,
                                                          (validate(options), options.redis)),
                    options, std::move(clock)) {}

redis_limiter::redis_limiter(std::unique_ptr<redis::async_client> redis,
                             const limiter_options& options, clock_fn clock)
    : options_(options),
      clock_(std::move(clock)),
      redis_(std::move(redis)),
      local_(options_.local_buckets_max, clock_),
      fallback_gauge_(metrics::default_registry().gauge(
          "gateway_ratelimit_local_fallback",
          "1 while rate limits are enforced in-process because Redis is unreachable")),
      redis_errors_(metrics::default_registry().counter(
          "gateway_ratelimit_redis_errors_total",
          "Rate-limit Redis calls that failed (error reply, timeout, no connection)")),
      outages_(metrics::default_registry().counter(
          "gateway_ratelimit_fallback_entered_total",
          "Times the rate limiter switched to in-process buckets (one per Redis outage)")) {
  for (const policy* p : {&options_.user, &options_.ip, &options_.auth_ip}) {
    fallback_decisions_[p->name] = &fallback_decisions_for(p->name);
  }
}

net::awaitable<decision> redis_limiter::acquire(const policy& p, std::string_view key) {
  std::vector<bucket_ref> one{bucket_ref{&p, key}};
  auto call = acquire_all(std::move(one));
  co_return co_await std::move(call);
}

net::awaitable<decision> redis_limiter::acquire_all(std::vector<bucket_ref> buckets) {
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_().time_since_epoch()).count();
  if (!using_fallback() || claim_probe(now_ns)) {
    auto ask = ask_redis(buckets, now_ns);
    const std::optional<std::vector<decision>> decided = co_await std::move(ask);
    if (decided) co_return binding(*decided);
  }
  for (const auto& b : buckets) fallback_counter(*b.p).inc();
  co_return local_.acquire_all_now(buckets);
}

net::awaitable<admission> redis_limiter::acquire_all_and_claim(std::vector<bucket_ref> buckets,
                                                               const claim& c) {
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_().time_since_epoch()).count();
  if (!using_fallback() || claim_probe(now_ns)) {
    std::vector<const policy*> policies = policies_of(buckets);
    std::vector<std::string> keys = keys_of(buckets);
    keys.push_back(c.key);
    std::optional<admission> decided;
    auto ask = run_script(admission_script(), std::move(keys), admission_script_args(policies, c),
                          affinity_of(c.key), now_ns, [&](const redis::reply& r) {
                            decided = parse_admission_reply(policies, r);
                            return decided.has_value();
                          });
    if (co_await std::move(ask)) co_return *decided;
  }
  for (const auto& b : buckets) fallback_counter(*b.p).inc();
  const decision d = local_.acquire_all_now(buckets);
  co_return admission{d, d.allowed ? claim_result::unavailable : claim_result::not_tried};
}

void redis_limiter::release(const claim& c) {
  // Deletes the key only if it is still ours (it may have expired and been claimed again).
  // Sent as EVAL, not EVALSHA: one command whatever Redis's script cache holds, so it stays in
  // order with the key's next claim on the same connection. Redis caches it compiled anyway.
  static constexpr std::string_view release_script =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
      "return 0";
  std::vector<std::string> cmd;
  cmd.reserve(5);
  cmd.emplace_back("EVAL");
  cmd.emplace_back(release_script);
  cmd.emplace_back("1");
  cmd.push_back(c.key);
  cmd.push_back(c.token);
  redis_->send_on(cmd, affinity_of(c.key));
}

std::size_t redis_limiter::affinity_of(const std::string& claim_key) {
  return std::hash<std::string>{}(claim_key);
}

std::vector<const policy*> redis_limiter::policies_of(const std::vector<bucket_ref>& buckets) {
  std::vector<const policy*> policies;
  policies.reserve(buckets.size());
  for (const auto& b : buckets) policies.push_back(b.p);
  return policies;
}

std::vector<std::string> redis_limiter::keys_of(const std::vector<bucket_ref>& buckets) const {
  std::vector<std::string> keys;
  keys.reserve(buckets.size() + 1);
  for (const auto& b : buckets) {
    keys.push_back(options_.key_prefix + b.p->name + ":" + std::string(b.key));
  }
  return keys;
}

net::awaitable<std::optional<std::vector<decision>>> redis_limiter::ask_redis(
    const std::vector<bucket_ref>& buckets, std::int64_t now_ns) {
  std::vector<const policy*> policies = policies_of(buckets);
  std::optional<std::vector<decision>> decided;
  auto ask = run_script(bucket_script(), keys_of(buckets), bucket_script_args(policies),
                        std::nullopt, now_ns, [&](const redis::reply& r) {
                          decided = parse_bucket_reply(policies, r);
                          return decided.has_value();
                        });
  if (!co_await std::move(ask)) co_return std::nullopt;
  co_return decided;
}

net::awaitable<bool> redis_limiter::run_script(const redis::script& s,
                                               std::vector<std::string> keys,
                                               std::vector<std::string> args,
                                               std::optional<std::size_t> affinity,
                                               std::int64_t now_ns,
                                               std::function<bool(const redis::reply&)> accept) {
  const auto started = clock_();
  redis::reply r;
  for (std::size_t attempt = 0;; ++attempt) {
    auto call = affinity ? redis_->eval_on(s, keys, args, *affinity) : redis_->eval(s, keys, args);
    r = co_await std::move(call);
    if (accept(r)) {
      if (using_fallback()) leave_fallback();
      co_return true;
    }
    redis_errors_.inc();
    // A connection Redis closed while it sat idle (Redis restarted) fails fast and reconnects
    // on its next use; one try more than there are connections reaches a live one if any.
    // (With an affinity the retry goes to the same connection, reconnected by then.)
    const bool stale_socket =
        r.connection_error && clock_() - started <= options_.redis_retry_budget;
    if (!stale_socket || attempt >= options_.redis.connections) break;
  }
  next_probe_ns_.store(now_ns + probe_interval_ns(), std::memory_order_relaxed);
  enter_fallback(r);
  co_return false;
}

std::int64_t redis_limiter::probe_interval_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(options_.redis_probe_interval)
      .count();
}

bool redis_limiter::claim_probe(std::int64_t now_ns) {
  std::int64_t due = next_probe_ns_.load(std::memory_order_relaxed);
  if (now_ns < due) return false;
  return next_probe_ns_.compare_exchange_strong(due, now_ns + probe_interval_ns(),
                                                std::memory_order_relaxed);
}

void redis_limiter::enter_fallback(const redis::reply& failure) {
  if (fallback_.exchange(true, std::memory_order_relaxed)) return;
  fallback_gauge_.set(1.0);
  outages_.inc();
  log::warn("rate limiter: Redis unreachable, enforcing limits in-process until it answers",
            {{"error", failure.ok() ? "unexpected reply from the rate-limit script" : failure.str},
             {"connection_error", failure.connection_error ? "true" : "false"}});
}

void redis_limiter::leave_fallback() {
  if (!fallback_.exchange(false, std::memory_order_relaxed)) return;
  fallback_gauge_.set(0.0);
  log::info("rate limiter: Redis answers again, limits are shared across replicas");
}

metrics::counter& redis_limiter::fallback_counter(const policy& p) {
  auto it = fallback_decisions_.find(p.name);
  if (it != fallback_decisions_.end()) return *it->second;
  return fallback_decisions_for(p.name);  // a policy not in the options: rare, takes a lock
}

}  // namespace mc::gateway::ratelimit
