// The bounded multi-producer queue in front of the engine thread. Commands are FIFO and
// bounded (full = refuse, the caller answers 503). Quote ticks are conflated per symbol: only
// the newest pending tick of a symbol is kept, and pending ticks go first in the next batch.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "engine/command.h"
#include "tradeledger/core/completion.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

using ledger_request =
    std::variant<place_order_request, cancel_order_request, replace_order_request, topup_request>;

struct queued_command {
  ledger_request request;
  completion_ptr done;
};

class command_queue {
 public:
  command_queue(std::size_t capacity, std::size_t symbols) : capacity_(capacity), ticks_(symbols) {}

  // Moves `c` in and returns true, or leaves it untouched and returns false (full or closed).
  bool push(queued_command& c) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || commands_.size() >= capacity_) return false;
      commands_.push_back(std::move(c));
    }
    ready_.notify_one();
    return true;
  }

  // Replaces the symbol's pending tick, if any. Ticks are dropped once the queue is closed.
  void post_tick(const engine::quote_tick& tick) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || tick.symbol >= ticks_.size()) return;
      if (!ticks_[tick.symbol]) ++pending_ticks_;
      ticks_[tick.symbol] = tick;
    }
    ready_.notify_one();
  }

  // Waits for work, then moves up to `max` commands and every pending tick out. Returns false
  // once the queue is closed and drained.
  bool pop(std::size_t max, std::vector<queued_command>& commands,
           std::vector<engine::quote_tick>& ticks) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !commands_.empty() || pending_ticks_ > 0; });
    if (commands_.empty() && pending_ticks_ == 0) return false;  // closed and drained
    for (auto& t : ticks_) {
      if (t) ticks.push_back(*t);
      t.reset();
    }
    pending_ticks_ = 0;
    while (!commands_.empty() && commands.size() < max) {
      commands.push_back(std::move(commands_.front()));
      commands_.pop_front();
    }
    return true;
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      for (auto& t : ticks_) t.reset();
      pending_ticks_ = 0;
    }
    ready_.notify_all();
  }

  std::size_t depth() const {
    std::lock_guard lock(mutex_);
    return commands_.size();
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<queued_command> commands_;
  std::vector<std::optional<engine::quote_tick>> ticks_;
  std::size_t pending_ticks_ = 0;
  bool closed_ = false;
};

}  // namespace mc::tradeledger
