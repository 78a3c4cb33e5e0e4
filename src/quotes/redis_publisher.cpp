// The publisher thread: wait for quotes, take a batch, send it as one pipeline; on failure
// keep the newest quote per symbol, back off, and try again.
#include "quotes/redis_publisher.h"

#include <algorithm>
#include <stdexcept>

#include "common/log/log.h"
#include "common/redis/client.h"

namespace mc::quotes {

namespace {
std::unique_ptr<redis::client> make_client(const publisher_options& o) {
  redis::client_options co;
  co.command_timeout_ms = o.command_timeout_ms;
  co.connect_timeout_ms = o.command_timeout_ms;
  co.reconnect_interval_ms = std::chrono::milliseconds{0};
  return std::make_unique<redis::client>(o.redis_url, co);
}
}  // namespace

redis_publisher::redis_publisher(publisher_options options, quotes_metrics& metrics)
    : options_(std::move(options)), metrics_(metrics), queue_(options_.queue_per_symbol_max) {
  if (!redis::parse_url(options_.redis_url)) {
    throw std::invalid_argument("bad Redis URL: " + options_.redis_url);
  }
}

redis_publisher::~redis_publisher() {
  stop();
}

void redis_publisher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void redis_publisher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void redis_publisher::publish(const quote& q, bool stale) {
  size_t discarded = 0;
  size_t pending = 0;
  {
    std::lock_guard lock(mutex_);
    discarded = queue_.push({q, stale});
    pending = queue_.size();
  }
  if (discarded) metrics_.conflated.inc(discarded);
  metrics_.publish_pending.set(static_cast<double>(pending));
  wake_.notify_one();
}

size_t redis_publisher::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool redis_publisher::send(std::vector<outgoing_quote>& batch) {
  if (!client_) client_ = make_client(options_);

  // Every quote is published; the snapshot gets only the newest per symbol in this batch.
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(batch.size() + 8);
  std::vector<const outgoing_quote*> newest;
  std::string json;
  for (const auto& item : batch) {
    json.clear();
    append_json(json, item.q, item.stale);
    cmds.push_back({"PUBLISH", options_.channel_prefix + item.q.symbol, json});
    auto it = std::find_if(newest.begin(), newest.end(),
                           [&](const outgoing_quote* n) { return n->q.symbol == item.q.symbol; });
    if (it == newest.end()) {
      newest.push_back(&item);
    } else {
      *it = &item;
    }
  }
  if (!newest.empty()) {
    std::vector<std::string> hset{"HSET", options_.snapshot_key};
    for (const auto* n : newest) {
      hset.push_back(n->q.symbol);
      hset.push_back(to_json(n->q, n->stale));
    }
    cmds.push_back(std::move(hset));
  }
  if (cmds.empty()) return client_->ping();

  auto replies = client_->pipeline(cmds);
  for (const auto& r : replies) {
    if (!r.ok()) {
      log::warn("redis publish failed", {{"error", r.str}});
      return false;
    }
  }
  return replies.size() == cmds.size();
}

void redis_publisher::run() {
  using steady = std::chrono::steady_clock;
  std::vector<outgoing_quote> batch;
  auto retry_wait = options_.retry_min_ms;
  auto last_contact = steady::now();
  bool stopping = false;
  while (!stopping) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.ping_interval_ms,
                     [this] { return stopping_ || !queue_.empty(); });
      stopping = stopping_;
      queue_.take(batch, options_.batch_max);
      metrics_.publish_pending.set(static_cast<double>(queue_.size()));
    }
    if (batch.empty() && steady::now() - last_contact < options_.ping_interval_ms) continue;

    auto started = steady::now();
    bool ok = send(batch);
    auto elapsed = std::chrono::duration<double>(steady::now() - started).count();
    redis_ok_.store(ok, std::memory_order_relaxed);
    metrics_.redis_up.set(ok ? 1.0 : 0.0);
    if (ok) {
      last_contact = steady::now();
      metrics_.publish_batch_seconds.observe(elapsed);
      for (const auto& item : batch) {
        if (auto* m = metrics_.for_symbol(item.q.symbol)) m->published->inc();
      }
      batch.clear();
      retry_wait = options_.retry_min_ms;
      continue;
    }
    if (!batch.empty()) metrics_.publish_errors.inc();
    size_t discarded = 0;
    {
      std::lock_guard lock(mutex_);
      discarded = queue_.restore_newest(batch);
    }
    if (discarded) metrics_.conflated.inc(discarded);
    if (stopping) break;
    // Back off, but wake early for stop(). New quotes keep conflating meanwhile.
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, retry_wait, [this] { return stopping_; });
    retry_wait = std::min(retry_wait * 2, options_.retry_max_ms);
  }
}

}  // namespace mc::quotes
