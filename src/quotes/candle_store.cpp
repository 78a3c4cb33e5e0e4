// The candle writer thread: every flush_interval (or sooner when a candle closes) it sends the
// closed candles and the newest open candle per series as one pipeline.
#include "quotes/candle_store.h"

#include <stdexcept>

#include "common/log/log.h"
#include "common/redis/client.h"

namespace mc::quotes {

std::string candle_list_key(std::string_view prefix, std::string_view symbol, candle_interval i) {
  std::string key(prefix);
  key += symbol;
  key += ':';
  key += to_string(i);
  return key;
}

std::string candle_open_field(std::string_view symbol, candle_interval i) {
  std::string field(symbol);
  field += ':';
  field += to_string(i);
  return field;
}

candle_store::candle_store(candle_store_options options) : options_(std::move(options)) {
  if (!redis::parse_url(options_.redis_url)) {
    throw std::invalid_argument("bad Redis URL: " + options_.redis_url);
  }
}

candle_store::~candle_store() {
  stop();
}

void candle_store::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void candle_store::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void candle_store::put(const std::vector<candle_update>& updates) {
  bool any_closed = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& u : updates) {
      if (u.closed) {
        closed_.push_back(u);
        any_closed = true;
        if (closed_.size() > options_.pending_closed_max) closed_.pop_front();
      } else {
        open_[candle_open_field(u.symbol, u.interval)] = u;
      }
    }
  }
  if (any_closed) wake_.notify_one();
}

std::size_t candle_store::pending_closed() const {
  std::lock_guard lock(mutex_);
  return closed_.size();
}

bool candle_store::flush() {
  std::lock_guard io(io_mutex_);
  std::vector<candle_update> closed;
  std::map<std::string, candle_update> open;
  {
    std::lock_guard lock(mutex_);
    closed.assign(closed_.begin(), closed_.end());
    closed_.clear();
    open.swap(open_);
  }
  if (closed.empty() && open.empty()) return true;

  std::vector<std::vector<std::string>> cmds;
  for (const auto& u : closed) {
    auto key = candle_list_key(options_.key_prefix, u.symbol, u.interval);
    cmds.push_back({"RPUSH", key, to_json(u.c)});
    cmds.push_back(
        {"LTRIM", key, std::to_string(-static_cast<long long>(options_.history_max)), "-1"});
  }
  if (!open.empty()) {
    std::vector<std::string> hset{"HSET", options_.open_key};
    for (const auto& [field, u] : open) {
      hset.push_back(field);
      hset.push_back(to_json(u.c));
    }
    cmds.push_back(std::move(hset));
  }
  if (!client_) {
    redis::client_options co;
    co.command_timeout_ms = options_.command_timeout_ms;
    co.connect_timeout_ms = options_.command_timeout_ms;
    co.reconnect_interval_ms = std::chrono::milliseconds{0};
    client_ = std::make_unique<redis::client>(options_.redis_url, co);
  }
  auto replies = client_->pipeline(cmds);
  bool ok = replies.size() == cmds.size();
  for (const auto& r : replies) ok = ok && r.ok();
  if (ok) return true;

  log::warn("candle write failed", {{"closed", std::to_string(closed.size())}});
  // Put everything back for the next round, older than what arrived meanwhile. A closed
  // candle may be pushed twice if Redis applied part of the pipeline: readers drop a repeat
  // of the previous start time.
  std::lock_guard lock(mutex_);
  closed_.insert(closed_.begin(), closed.begin(), closed.end());
  while (closed_.size() > options_.pending_closed_max) closed_.pop_front();
  for (auto& [field, u] : open) open_.try_emplace(field, u);
  return false;
}

void candle_store::run() {
  bool stopping = false;
  bool failed = false;
  while (!stopping) {
    {
      // After a failure wait the whole interval: pending closed candles must not spin us.
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.flush_interval,
                     [&] { return stopping_ || (!failed && !closed_.empty()); });
      stopping = stopping_;
    }
    failed = !flush();
  }
}

}  // namespace mc::quotes
