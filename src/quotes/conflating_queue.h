// Bounded pending quotes between the feed and Redis: at most `depth_max` per symbol, the
// oldest giving way to the newest. After a failed publish only the newest per symbol is kept,
// so an outage costs memory for one quote per symbol and subscribers resume with fresh data.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "quotes/quote.h"

namespace mc::quotes {

struct outgoing_quote {
  quote q;
  bool stale = false;
};

class conflating_queue {
 public:
  explicit conflating_queue(size_t depth_max) : depth_max_(depth_max == 0 ? 1 : depth_max) {}

  // Returns how many older quotes were discarded to make room (0 or 1).
  size_t push(outgoing_quote item);

  // Moves up to `max_items` pending quotes into `out` (oldest first within a symbol).
  void take(std::vector<outgoing_quote>& out, size_t max_items);

  // Puts back a batch that could not be published, keeping only the newest quote per symbol
  // and only where nothing newer arrived meanwhile; trims what is pending to the newest too.
  // Returns how many quotes were discarded.
  size_t restore_newest(std::vector<outgoing_quote>& failed);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  size_t depth_max_;
  size_t size_ = 0;
  std::unordered_map<std::string, std::deque<outgoing_quote>> pending_;
  std::vector<std::string> order_;  // symbols in first-seen order, for fair batches
};

}  // namespace mc::quotes
