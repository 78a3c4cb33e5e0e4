// The in-process TradeLedger: implements `ledger` with one engine thread fed by a bounded
// command queue, a persister thread that commits each batch in one transaction before any of
// its callers is answered, an outbox relay, the quotes subscription and pooled reads.
// Lifecycle: construct, start() (migrate, recover, start threads), stop() (drain and flush).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/pg/pool.h"
#include "common/redis/subscriber.h"
#include "tradeledger/core/batch.h"
#include "tradeledger/core/command_queue.h"
#include "tradeledger/core/core_config.h"
#include "tradeledger/core/outbox_relay.h"
#include "tradeledger/core/persister.h"
#include "tradeledger/core/quote_normaliser.h"
#include "tradeledger/core/sequencer.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

class ledger_core final : public ledger {
 public:
  explicit ledger_core(core_config config);
  ~ledger_core() override;  // stop()
  ledger_core(const ledger_core&) = delete;
  ledger_core& operator=(const ledger_core&) = delete;

  // Migrates (when migrations_dir is set), recovers from PostgreSQL and starts the threads.
  // Throws with a clear message if the database is unusable or recovery fails its audit.
  void start();
  // Graceful: refuses new commands (unavailable), applies and commits everything queued,
  // answers those callers, flushes the outbox relay (bounded by stop_flush_timeout_ms) and
  // joins every thread. Idempotent.
  void stop();

  // Feeds one quote message (the Quotes service's JSON). The Redis subscriber calls this; tests
  // may too. Returns false if the message is unusable. Conflated per symbol.
  bool submit_quote(std::string_view payload);

  net::awaitable<command_result> place_order(place_order_request req, call_context ctx) override;
  net::awaitable<command_result> cancel_order(cancel_order_request req, call_context ctx) override;
  net::awaitable<command_result> replace_order(replace_order_request req,
                                               call_context ctx) override;
  net::awaitable<command_result> topup(topup_request req, call_context ctx) override;
  net::awaitable<command_result> get_order(std::string user_id, std::string order_id,
                                           call_context ctx) override;
  net::awaitable<command_result> list_orders(list_orders_query query, call_context ctx) override;
  net::awaitable<command_result> portfolio(std::string user_id, call_context ctx) override;
  net::awaitable<command_result> order_book(std::string symbol, int depth,
                                            call_context ctx) override;

  // Operational state for /readyz and tests.
  bool running() const { return running_.load(); }
  // True once the quotes subscription is confirmed by Redis (false without a quotes feed).
  bool wait_quotes_subscribed(std::chrono::milliseconds timeout) {
    return quotes_ && quotes_->wait_subscribed(timeout);
  }
  std::size_t queue_depth() const { return queue_.depth(); }
  std::uint64_t outbox_published() const { return relay_ ? relay_->published() : 0; }

 private:
  std::optional<idempotent_outcome> lookup_idempotency(std::uint64_t user, const std::string& key);
  struct batch_job {
    batch rows;
    std::vector<completion_ptr> done;
  };

  net::awaitable<command_result> submit(ledger_request req, const call_context& ctx);
  template <class F>
  net::awaitable<command_result> read(F f, call_context ctx);
  template <class Request>
  net::awaitable<command_result> amend(Request req, call_context ctx);
  net::awaitable<command_result> reread_committed(std::string user_id, std::string order_id);
  static constexpr auto committed_reread_budget = std::chrono::seconds(10);

  void engine_loop();
  void persister_loop();
  void publish_committed(const batch& b);  // books and marks, after the commit
  // True once the batch is committed; false when stop()'s deadline passed first (the callers
  // are then answered by fail_uncommitted).
  bool write_until_committed(batch_job& job);
  // Answers a batch that was not confirmed: outcome_unknown if it may have reached the
  // database, unavailable if it certainly did not.
  static void fail_uncommitted(batch_job& job, bool maybe_applied);
  bool stop_deadline_passed() const;
  // A persister holding the writer lock, waiting up to writer_lock_wait_ms for it.
  std::unique_ptr<persister> acquire_writer();
  [[noreturn]] static void fail_stop(std::string_view what, std::string_view error,
                                     std::size_t commands);

  // Backoff while the database is unreachable (a batch is retried only when its
  // connection broke before COMMIT was sent).
  static constexpr int persist_retry_initial_ms = 50;
  static constexpr int persist_retry_max_ms = 2000;

  core_config config_;
  sequencer seq_;  // engine-thread state; touched by start() before the threads run
  // Quote messages -> ticks on the Redis subscriber's thread; owns its own market facts.
  quote_normaliser quote_normaliser_;
  command_queue queue_;

  std::mutex persist_mutex_;
  std::condition_variable persist_cv_;
  std::deque<std::unique_ptr<batch_job>> persist_queue_;
  bool persist_closed_ = false;

  std::unique_ptr<persister> persister_;
  std::string writer_token_;  // this process in persist_state: tells our batches from others'
  std::unique_ptr<outbox_relay> relay_;
  std::unique_ptr<redis::subscriber> quotes_;
  std::unique_ptr<pg::pool> reads_;
  std::unique_ptr<pqxx::connection> lookup_conn_;  // engine thread: lookup_idempotency()
  std::thread engine_thread_;
  std::thread persister_thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> accepting_{false};
  // Set by stop(): after it, a batch waiting for the database gives up (nanoseconds of the
  // steady clock; 0 = not stopping).
  std::atomic<std::int64_t> stop_deadline_ns_{0};
  // Persister thread: once a batch went unconfirmed, no later batch may be written after it.
  bool abandoned_ = false;
  bool started_ = false;
  bool stopped_ = false;

  // Committed market view for readers: guarded by view_mutex_, never by engine state.
  mutable std::mutex view_mutex_;
  std::vector<std::shared_ptr<const book_snapshot>> books_;
  std::vector<std::int64_t> marks_;

  metrics::histogram& batch_commands_;
  metrics::histogram& commit_seconds_;
  metrics::gauge& queue_depth_;
  metrics::counter& commands_total_;
  metrics::counter& rejected_busy_total_;
  metrics::counter& persist_retries_total_;
  metrics::counter& idempotency_lookups_total_;
};

}  // namespace mc::tradeledger
