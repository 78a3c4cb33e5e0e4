// Relay loop. A round takes the rows that continue where publishing stands — from memory, or
// else from the table — PUBLISHes them in one pipeline and advances; the cursor follows at
// most every cursor_interval. A failed round changes nothing and is retried.
#include "tradeledger/core/outbox_relay.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/log/log.h"
#include "common/redis/client.h"

namespace mc::tradeledger {

namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t read_cursor(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  return tx.exec1("SELECT published_seq FROM tradeledger.outbox_cursor")[0].as<std::int64_t>();
}

// The events from `next` on, in seq order: the fallback when memory does not continue there.
// A table row holds one command's events (seq, seq + 1, ...), so reading starts at the row
// holding `next` and skips the events before it; seqs are contiguous, so no row from
// next + max on can hold one of the first `max` events (the scan stays bounded).
std::vector<outbox_row> read_rows(pqxx::connection& conn, std::int64_t next, std::size_t max) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_params(
      "SELECT o.seq + e.i - 1, e.channel, e.payload FROM tradeledger.outbox o, "
      "unnest(o.channels, o.payloads) WITH ORDINALITY AS e(channel, payload, i) "
      "WHERE o.seq >= (SELECT coalesce(max(seq), $1) FROM tradeledger.outbox WHERE seq <= $1) "
      "AND o.seq < $1 + $2 AND o.seq + e.i - 1 >= $1 ORDER BY o.seq, e.i LIMIT $2",
      next, static_cast<std::int64_t>(max));
  std::vector<outbox_row> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(
        outbox_row{r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>()});
  }
  return out;
}

// One pipeline: each row appended to its family's stream (Redis assigns the entry id; the
// payload and the "seq" field carry the outbox sequence number, by which consumers drop the
// repeats an at-least-once relay may produce) and published on its channel for live
// listeners. Ids are Redis's own rather than <seq>-0 so that a stream outliving its database
// (a test, a restored backup) never refuses new events as "older than the top".
// Throws unless Redis accepted every command.
void publish(redis::client& redis, const std::vector<outbox_row>& rows, const std::string& maxlen) {
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(rows.size() * 2);
  for (const auto& r : rows) {
    cmds.push_back({"XADD", outbox_stream_of(r.channel), "MAXLEN", "~", maxlen, "*", "seq",
                    std::to_string(r.seq), "channel", r.channel, "payload", r.payload});
    cmds.push_back({"PUBLISH", r.channel, r.payload});
  }
  const auto replies = redis.pipeline(cmds);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i].ok())
      throw std::runtime_error("redis " + cmds[i][0] + " failed: " + replies[i].str);
  }
}

// Only forward: a second relay (or a stale write) never moves the cursor back.
void write_cursor(pqxx::connection& conn, std::int64_t seq) {
  pqxx::nontransaction tx(conn);
  tx.exec_params(
      "UPDATE tradeledger.outbox_cursor SET published_seq = $1, updated_at = now() "
      "WHERE published_seq < $1",
      seq);
}

}  // namespace

std::string outbox_stream_of(std::string_view channel) {
  // Every user's order events share one stream; other families (trades:<SYMBOL>) get their own.
  if (channel.substr(0, 7) == "orders:") return "events:orders";
  return "events:" + std::string(channel);
}

outbox_relay::outbox_relay(outbox_relay_config config)
    : config_(std::move(config)),
      published_total_(metrics::default_registry().counter("tradeledger_outbox_published_total",
                                                           "Outbox rows published to Redis")),
      failures_total_(metrics::default_registry().counter(
          "tradeledger_outbox_failures_total", "Outbox relay rounds that failed and were retried")),
      read_back_total_(metrics::default_registry().counter(
          "tradeledger_outbox_read_back_total",
          "Outbox rows read back from PostgreSQL (not handed over in memory)")) {}

outbox_relay::~outbox_relay() {
  stop(std::chrono::milliseconds{0});
}

void outbox_relay::start() {
  thread_ = std::thread([this] { run(); });
}

void outbox_relay::offer(std::vector<outbox_row> rows) {
  if (rows.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (offered_.size() + rows.size() > config_.memory_rows_max) {
      offered_.clear();  // Redis has been away for a while: the table has every row
    } else {
      for (auto& r : rows) offered_.push_back(std::move(r));
    }
    woken_ = true;
  }
  wake_.notify_one();
}

void outbox_relay::stop(std::chrono::milliseconds flush_timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      flush_deadline_ = clock_type::now() + flush_timeout;
    }
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<outbox_row> outbox_relay::take_offered(std::int64_t next) {
  std::vector<outbox_row> out;
  std::lock_guard lock(mutex_);
  while (!offered_.empty() && offered_.front().seq < next) offered_.pop_front();  // published
  while (!offered_.empty() && out.size() < config_.batch_max &&
         offered_.front().seq == next + static_cast<std::int64_t>(out.size())) {
    out.push_back(std::move(offered_.front()));
    offered_.pop_front();
  }
  return out;
}

void outbox_relay::wait(std::chrono::milliseconds d, bool notifiable) {
  std::unique_lock lock(mutex_);
  auto until = clock_type::now() + d;
  if (stopping_) until = std::min(until, flush_deadline_);
  // A backoff wait (not notifiable) ignores offers and ends early only when the flush
  // deadline has passed, so a dead Redis is not hammered at the commit rate.
  wake_.wait_until(lock, until, [&] {
    return notifiable ? (woken_ || stopping_) : (stopping_ && clock_type::now() >= flush_deadline_);
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
  const std::string maxlen = std::to_string(config_.stream_maxlen);
  auto backoff = config_.backoff_initial_ms;
  std::int64_t next = 0;    // the next seq to publish; 0 until the cursor has been read
  std::int64_t stored = 0;  // the cursor as last written
  auto cursor_due = clock_type::now();
  for (;;) {
    bool stopping = false, out_of_time = false;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
      out_of_time = stopping_ && clock_type::now() >= flush_deadline_;
    }
    std::size_t published_now = 0;
    try {
      if (!pg) pg = std::make_unique<pqxx::connection>(config_.postgres_url);
      if (next == 0) {
        stored = read_cursor(*pg);
        next = stored + 1;
      }
      if (!out_of_time) {
        std::vector<outbox_row> rows = take_offered(next);
        if (rows.empty()) {
          rows = read_rows(*pg, next, config_.batch_max);
          read_back_total_.inc(rows.size());
        }
        if (!rows.empty()) {
          publish(redis, rows, maxlen);
          next = rows.back().seq + 1;
          published_now = rows.size();
          count(published_now, next - 1);
        }
      }
      backoff = config_.backoff_initial_ms;
      if (next - 1 > stored && (stopping || clock_type::now() >= cursor_due)) {
        write_cursor(*pg, next - 1);
        stored = next - 1;
        cursor_due = clock_type::now() + config_.cursor_interval_ms;
      }
      if (stopping && (published_now == 0 || out_of_time)) return;  // drained, cursor written
      if (published_now != 0) continue;                             // more may be waiting
    } catch (const std::exception& e) {
      failures_total_.inc();
      log::warn("outbox relay round failed; retrying", {{"error", e.what()}});
      pg.reset();  // reconnect next round; cheap next to a failure
      if (out_of_time) return;
      wait(backoff, false);
      backoff = std::min(backoff * 2, config_.backoff_max_ms);
      continue;
    }
    // Idle: until rows are offered, the fallback poll, or the cursor falls due.
    auto idle = config_.poll_ms;
    if (next - 1 > stored) {
      const auto due =
          std::chrono::duration_cast<std::chrono::milliseconds>(cursor_due - clock_type::now());
      idle = std::clamp(due + std::chrono::milliseconds{1}, std::chrono::milliseconds{1}, idle);
    }
    wait(idle, true);
  }
}

}  // namespace mc::tradeledger
