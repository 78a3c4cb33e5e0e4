// Relay loop. A round reads the rows after the published cursor, PUBLISHes them in one
// pipeline and moves the cursor to the last of them; a failed round changes nothing and is
// retried.
#include "tradeledger/core/outbox_relay.h"

#include <algorithm>
#include <memory>

#include <pqxx/pqxx>

#include "common/log/log.h"
#include "common/redis/client.h"

namespace mc::tradeledger {

namespace {

struct round_result {
  std::size_t rows = 0;
  std::int64_t last_seq = 0;
};

// One round: publish up to `batch_max` pending rows in seq order. Throws on a Redis or
// PostgreSQL failure, in which case nothing was marked and the same rows come next time.
round_result publish_round(pqxx::connection& conn, redis::client& redis, std::size_t batch_max) {
  std::vector<std::vector<std::string>> cmds;
  std::int64_t last = 0;
  {
    pqxx::work tx(conn);
    const auto rows = tx.exec_params(
        "SELECT seq, channel, payload FROM tradeledger.outbox "
        "WHERE seq > (SELECT published_seq FROM tradeledger.outbox_cursor) ORDER BY seq LIMIT $1",
        static_cast<std::int64_t>(batch_max));
    tx.commit();
    if (rows.empty()) return {};
    last = rows.back()[0].as<std::int64_t>();
    cmds.reserve(rows.size());
    for (const auto& r : rows) {
      cmds.push_back({"PUBLISH", r[1].as<std::string>(), r[2].as<std::string>()});
    }
  }
  const auto replies = redis.pipeline(cmds);
  for (const auto& r : replies) {
    if (!r.ok()) throw std::runtime_error("redis PUBLISH failed: " + r.str);
  }
  pqxx::work tx(conn);
  // Only forward: a second relay (or a stale round) never moves the cursor back.
  tx.exec_params(
      "UPDATE tradeledger.outbox_cursor SET published_seq = $1, updated_at = now() "
      "WHERE published_seq < $1",
      last);
  tx.commit();
  return {cmds.size(), last};
}

}  // namespace

outbox_relay::outbox_relay(outbox_relay_config config)
    : config_(std::move(config)),
      published_total_(metrics::default_registry().counter("tradeledger_outbox_published_total",
                                                           "Outbox rows published to Redis")),
      failures_total_(metrics::default_registry().counter(
          "tradeledger_outbox_failures_total",
          "Outbox relay rounds that failed and were retried")) {}

outbox_relay::~outbox_relay() {
  stop(std::chrono::milliseconds{0});
}

void outbox_relay::start() {
  thread_ = std::thread([this] { run(); });
}

void outbox_relay::notify() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void outbox_relay::stop(std::chrono::milliseconds flush_timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      flush_deadline_ = std::chrono::steady_clock::now() + flush_timeout;
    }
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void outbox_relay::wait(std::chrono::milliseconds d, bool notifiable) {
  using clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  auto until = clock::now() + d;
  if (stopping_) until = std::min(until, flush_deadline_);
  // A backoff wait (not notifiable) ignores commits and ends early only when the flush
  // deadline has passed, so a dead Redis is not hammered at the commit rate.
  wake_.wait_until(lock, until, [&] {
    return notifiable ? (woken_ || stopping_) : (stopping_ && clock::now() >= flush_deadline_);
  });
  woken_ = false;
}

void outbox_relay::count(std::size_t n, std::int64_t last_seq) {
  published_ += n;
  published_total_.inc(n);
  last_seq_ = last_seq;
}

void outbox_relay::run() {
  std::unique_ptr<pqxx::connection> pg;
  redis::client redis(config_.redis_url);
  auto backoff = config_.backoff_initial_ms;
  bool drained = false;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && (drained || std::chrono::steady_clock::now() >= flush_deadline_)) return;
    }
    try {
      if (!pg) pg = std::make_unique<pqxx::connection>(config_.postgres_url);
      const round_result r = publish_round(*pg, redis, config_.batch_max);
      const std::size_t n = r.rows;
      if (n > 0) count(n, r.last_seq);
      backoff = config_.backoff_initial_ms;
      drained = n < config_.batch_max;
      if (n == config_.batch_max) continue;  // more may be waiting
      std::lock_guard lock(mutex_);
      if (stopping_) {
        if (n == 0) return;
        continue;
      }
    } catch (const std::exception& e) {
      failures_total_.inc();
      drained = false;
      log::warn("outbox relay round failed; retrying", {{"error", e.what()}});
      pg.reset();  // reconnect next round; cheap next to a failure
      {
        std::lock_guard lock(mutex_);
        if (stopping_ && std::chrono::steady_clock::now() >= flush_deadline_) return;
      }
      wait(backoff, false);
      backoff = std::min(backoff * 2, config_.backoff_max_ms);
      continue;
    }
    wait(config_.poll_ms, true);
  }
}

}  // namespace mc::tradeledger
