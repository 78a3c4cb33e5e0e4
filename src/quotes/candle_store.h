// Keeps candles in Redis from its own thread, so a slow Redis never blocks the feed:
//   RPUSH candles:<SYMBOL>:<interval> <json>  (closed candles, trimmed to the newest
//                                             `history_max`), and
//   HSET  candles:open <SYMBOL>:<interval> <json>  (the open candle, at most every flush).
// Closed candles are kept across failed writes (bounded); a Quotes restart loses at most the
// open candle of each interval, whose last flushed state stays readable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "quotes/candle.h"

namespace mc::redis {
class client;
}

namespace mc::quotes {

struct candle_store_options {
  std::string redis_url;
  std::string key_prefix = "candles:";     // candles:BTC-USD:1m
  std::string open_key = "candles:open";   // hash of open candles
  std::size_t history_max = 1000;          // closed candles kept per symbol and interval
  std::size_t pending_closed_max = 10000;  // closed candles held while Redis is away
  std::chrono::milliseconds flush_interval{500};
  std::chrono::milliseconds command_timeout_ms{1000};
};

// The list key and hash field of one series (shared with the gateway's reader).
std::string candle_list_key(std::string_view prefix, std::string_view symbol, candle_interval i);
std::string candle_open_field(std::string_view symbol, candle_interval i);

class candle_store {
 public:
  // Throws std::invalid_argument for a malformed Redis URL (start-up).
  explicit candle_store(candle_store_options options);
  ~candle_store();
  candle_store(const candle_store&) = delete;
  candle_store& operator=(const candle_store&) = delete;

  void start();
  // Writes what is pending (one attempt), then joins the thread.
  void stop();

  // Thread-safe, non-blocking: queues the updates for the next flush.
  void put(const std::vector<candle_update>& updates);

  // Flushes now on the caller's thread (tests); true when Redis took everything.
  bool flush();
  // Closed candles not yet written (tests, diagnostics).
  std::size_t pending_closed() const;

 private:
  void run();

  candle_store_options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<candle_update> closed_;
  std::map<std::string, candle_update> open_;  // by open field, newest only
  bool stopping_ = false;
  std::mutex io_mutex_;  // one flush at a time
  std::unique_ptr<redis::client> client_;
  std::thread thread_;
};

}  // namespace mc::quotes
