// The outbox relay: a thread that publishes committed outbox rows to Redis strictly in seq
// order (one PUBLISH pipeline per round), then moves the published cursor past them. Woken by the
// persister after each commit, with a slow poll as fallback. While Redis or PostgreSQL is down it
// retries the SAME rows with backoff: nothing is skipped or reordered; delivery is at least once
// and every payload carries its seq for de-duplication.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "common/metrics/metrics.h"

namespace mc::tradeledger {

struct outbox_relay_config {
  std::string postgres_url;
  std::string redis_url;
  std::size_t batch_max = 2000;
  std::chrono::milliseconds poll_ms{1000};
  std::chrono::milliseconds backoff_initial_ms{50};
  std::chrono::milliseconds backoff_max_ms{2000};
};

class outbox_relay {
 public:
  explicit outbox_relay(outbox_relay_config config);
  ~outbox_relay();  // stop(0)
  outbox_relay(const outbox_relay&) = delete;
  outbox_relay& operator=(const outbox_relay&) = delete;

  void start();
  // New rows were committed.
  void notify();
  // Publishes what is pending (for at most `flush_timeout`), then joins the thread.
  void stop(std::chrono::milliseconds flush_timeout);

  std::uint64_t published() const { return published_.load(); }
  std::int64_t last_published_seq() const { return last_seq_.load(); }

 private:
  void run();
  // Records a round that published `n` rows up to `last_seq`.
  void count(std::size_t n, std::int64_t last_seq);
  // Waits up to `d` or until stopped, or notified when `notifiable`.
  void wait(std::chrono::milliseconds d, bool notifiable);

  outbox_relay_config config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point flush_deadline_{};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::int64_t> last_seq_{0};
  metrics::counter& published_total_;
  metrics::counter& failures_total_;
  std::thread thread_;
};

}  // namespace mc::tradeledger
