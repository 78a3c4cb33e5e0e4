// The outbox relay: a thread that publishes committed outbox events to Redis strictly in seq
// order and records its progress in outbox_cursor. A table row holds one command's events; each
// event is published on its own, with its own seq, exactly as when each was a row. Each event
// goes two ways in one pipeline per round: appended to its family's Redis Stream (events:orders
// for every user's order events, events:trades:<SYMBOL> for trades; fields seq, channel,
// payload; trimmed to about stream_maxlen entries), so a consumer that was away catches up from the
// last id it saw; and PUBLISHed on its channel (orders:<user>, trades:<SYMBOL>) for live-only
// listeners.
//
// The persister hands each committed batch's rows over in memory (offer()), so in the normal
// case nothing is read back from PostgreSQL. The table stays the source of truth: when the
// rows in memory do not continue exactly where publishing stands — after a start, after the
// memory cap dropped rows while Redis was down — the relay reads the table from its position.
// The cursor is written at most every cursor_interval (and at stop): a per-round UPDATE was a
// second commit with its own WAL flush for every batch. After a crash up to that interval of
// events is published again; delivery is at least once anyway and every payload carries its
// seq for de-duplication. While Redis or PostgreSQL is down it retries the SAME rows with
// backoff: nothing is skipped or reordered.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics/metrics.h"
#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

struct outbox_relay_config {
  std::string postgres_url;
  std::string redis_url;
  std::size_t batch_max = 2000;
  std::size_t memory_rows_max = 200'000;  // beyond this, offered rows wait in the table only
  std::chrono::milliseconds poll_ms{1000};
  std::chrono::milliseconds cursor_interval_ms{200};
  std::chrono::milliseconds backoff_initial_ms{50};
  std::chrono::milliseconds backoff_max_ms{2000};
  std::int64_t stream_maxlen = 100'000;  // XADD MAXLEN ~: entries kept per stream (approximate)
};

// The Redis Stream a channel's events are appended to: events:orders or events:<channel>.
std::string outbox_stream_of(std::string_view channel);

class outbox_relay {
 public:
  explicit outbox_relay(outbox_relay_config config);
  ~outbox_relay();  // stop(0)
  outbox_relay(const outbox_relay&) = delete;
  outbox_relay& operator=(const outbox_relay&) = delete;

  void start();
  // Rows of a batch that has committed, in seq order, batches in commit order.
  void offer(std::vector<outbox_row> rows);
  // Publishes what is pending (for at most `flush_timeout`), writes the cursor, joins.
  void stop(std::chrono::milliseconds flush_timeout);

  std::uint64_t published() const { return published_.load(); }
  std::int64_t last_published_seq() const { return last_seq_.load(); }

 private:
  void run();
  // Up to batch_max offered rows continuing exactly at `next`; empty if they do not.
  std::vector<outbox_row> take_offered(std::int64_t next);
  // Records a round that published `n` rows up to `last_seq`.
  void count(std::size_t n, std::int64_t last_seq);
  // Waits up to `d` or until stopped, or until rows are offered when `notifiable`.
  void wait(std::chrono::milliseconds d, bool notifiable);

  outbox_relay_config config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<outbox_row> offered_;  // guarded by mutex_
  bool woken_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point flush_deadline_{};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::int64_t> last_seq_{0};
  metrics::counter& published_total_;
  metrics::counter& failures_total_;
  metrics::counter& read_back_total_;
  std::thread thread_;
};

}  // namespace mc::tradeledger
