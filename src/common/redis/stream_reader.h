// A resumable reader of one Redis Stream (the outbox relay's events:orders, events:trades:*):
// blocking XREAD in batches on its own thread and connection, from the last id it saw, so a
// restart of Redis or of the reader loses nothing that the stream still holds. It reconnects
// with jittered exponential backoff, and it tells its user when entries it had not read yet
// may be gone (the stream was trimmed past its position, or recreated): the user then re-reads
// state through the API instead of trusting the stream.
//
// Handlers run on the reader's thread, one batch at a time, in stream order. From coroutine
// code, hand the batch over to your executor (net::post / a channel) and return.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/redis/client.h"

namespace mc::redis {

struct stream_entry {
  std::string id;        // "1712-0"
  std::int64_t seq = 0;  // the outbox sequence number (field "seq"), 0 if absent
  std::string channel;   // field "channel", e.g. orders:<user>
  std::string payload;   // field "payload", the event's JSON
};

struct stream_reader_options {
  std::size_t batch_max = 500;               // XREAD COUNT
  std::chrono::milliseconds block_ms{1000};  // XREAD BLOCK; also how soon stop() is noticed
  std::chrono::milliseconds connect_timeout_ms{1000};
  std::chrono::milliseconds backoff_initial_ms{50};
  std::chrono::milliseconds backoff_max_ms{2000};
};

class stream_reader {
 public:
  using batch_handler = std::function<void(const std::vector<stream_entry>&)>;
  // Entries after `last_seen` up to `resumed_before` (exclusive; "" = unknown) are gone.
  using gap_handler =
      std::function<void(const std::string& last_seen, const std::string& resumed_before)>;

  // `start_id`: "$" = only entries added from now on, "0" = everything the stream holds, or an
  // id to continue after. Starts the thread at once. Throws std::invalid_argument on a bad URL.
  stream_reader(const std::string& url, std::string stream, std::string start_id,
                batch_handler on_batch, gap_handler on_gap = {},
                stream_reader_options options = {});
  ~stream_reader();  // stop()
  stream_reader(const stream_reader&) = delete;
  stream_reader& operator=(const stream_reader&) = delete;

  // Joins the thread within about block_ms. Idempotent; not from a handler.
  void stop();

  std::string last_id() const;  // the last entry handed to on_batch ("" before any)
  std::uint64_t entries() const { return entries_.load(); }
  std::uint64_t reconnects() const { return reconnects_.load(); }
  std::uint64_t gaps() const { return gaps_.load(); }
  // True once the reader has its position on a live connection (tests, start-up).
  bool wait_reading(std::chrono::milliseconds timeout) const;

 private:
  void thread_main();
  // Resolves "$" to a concrete id and reports a gap if the stream no longer continues from
  // `last_`. False when Redis did not answer.
  bool resume(client& c);
  bool read_batch(client& c);  // false when Redis did not answer
  bool sleep_interruptible(std::chrono::milliseconds d);

  std::string url_;
  std::string stream_;
  batch_handler on_batch_;
  gap_handler on_gap_;
  stream_reader_options options_;

  mutable std::mutex mutex_;
  std::string last_;  // position: "$" only until the first resume()
  std::atomic<bool> stopping_{false};
  std::atomic<bool> reading_{false};
  std::atomic<std::uint64_t> entries_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> gaps_{0};
  std::thread thread_;
};

// Stream ids compare as (milliseconds, sequence); "" compares below everything.
int compare_stream_ids(const std::string& a, const std::string& b);

}  // namespace mc::redis
