// Per-symbol bounded FIFOs; see conflating_queue.h for the policy.
#include "quotes/conflating_queue.h"

#include <cassert>

namespace mc::quotes {

size_t conflating_queue::push(outgoing_quote item) {
  auto [it, inserted] = pending_.try_emplace(item.q.symbol);
  if (inserted) order_.push_back(item.q.symbol);
  auto& fifo = it->second;
  size_t discarded = 0;
  if (fifo.size() >= depth_max_) {
    fifo.pop_front();
    --size_;
    discarded = 1;
  }
  fifo.push_back(std::move(item));
  ++size_;
  assert(fifo.size() <= depth_max_);
  return discarded;
}

void conflating_queue::take(std::vector<outgoing_quote>& out, size_t max_items) {
  // Round-robin over symbols so one busy symbol cannot starve the others within a batch.
  bool progress = true;
  while (progress && max_items > 0 && size_ > 0) {
    progress = false;
    for (const auto& symbol : order_) {
      auto& fifo = pending_[symbol];
      if (fifo.empty() || max_items == 0) continue;
      out.push_back(std::move(fifo.front()));
      fifo.pop_front();
      --size_;
      --max_items;
      progress = true;
    }
  }
}

size_t conflating_queue::restore_newest(std::vector<outgoing_quote>& failed) {
  size_t discarded = 0;
  for (auto& [symbol, fifo] : pending_) {
    while (fifo.size() > 1) {
      fifo.pop_front();
      --size_;
      ++discarded;
    }
  }
  // Newest failed quote per symbol: the last one in the batch for that symbol.
  std::unordered_map<std::string, outgoing_quote*> newest;
  for (auto& item : failed) newest[item.q.symbol] = &item;
  discarded += failed.size() - newest.size();
  for (auto& [symbol, item] : newest) {
    auto [it, inserted] = pending_.try_emplace(symbol);
    if (inserted) order_.push_back(symbol);
    if (it->second.empty()) {
      it->second.push_back(std::move(*item));
      ++size_;
    } else {
      ++discarded;  // something newer arrived while the batch was in flight
    }
  }
  failed.clear();
  return discarded;
}

}  // namespace mc::quotes
