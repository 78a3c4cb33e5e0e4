// Publishes checked quotes to Redis from its own thread: `PUBLISH quotes:<SYMBOL> <json>` per
// quote and `HSET quotes:latest <SYMBOL> <json>` per symbol, one pipeline per batch. A slow
// or dead Redis never blocks the feed: pending quotes are bounded and conflated.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/redis/client.h"
#include "quotes/conflating_queue.h"
#include "quotes/quotes_metrics.h"

namespace mc::quotes {

struct publisher_options {
  std::string redis_url;
  std::string channel_prefix = "quotes:";            // PUBLISH quotes:BTC-USD
  std::string snapshot_key = "quotes:latest";        // HSET quotes:latest BTC-USD <json>
  size_t queue_per_symbol_max = 256;                 // pending quotes per symbol before conflating
  size_t batch_max = 2048;                           // quotes per pipeline
  std::chrono::milliseconds retry_min_ms{100};       // first wait after a failed batch
  std::chrono::milliseconds retry_max_ms{2000};      // cap of the exponential retry wait
  std::chrono::milliseconds ping_interval_ms{1000};  // liveness probe while idle (readiness)
  std::chrono::milliseconds command_timeout_ms{1000};
};

class redis_publisher {
 public:
  // Throws std::invalid_argument for a malformed Redis URL (start-up).
  redis_publisher(publisher_options options, quotes_metrics& metrics);
  ~redis_publisher();
  redis_publisher(const redis_publisher&) = delete;
  redis_publisher& operator=(const redis_publisher&) = delete;

  void start();
  // Publishes what is pending if Redis answers (one attempt), then joins the thread.
  void stop();

  // Thread-safe and non-blocking: queues `q` for the next batch.
  void publish(const quote& q, bool stale);

  // True when the last round trip to Redis succeeded.
  bool redis_ok() const { return redis_ok_.load(std::memory_order_relaxed); }
  size_t pending() const;

 private:
  void run();
  bool send(std::vector<outgoing_quote>& batch);

  publisher_options options_;
  quotes_metrics& metrics_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  conflating_queue queue_;
  bool stopping_ = false;
  std::atomic<bool> redis_ok_{false};
  std::unique_ptr<redis::client> client_;  // used only by the publisher thread
  std::thread thread_;
};

}  // namespace mc::quotes
