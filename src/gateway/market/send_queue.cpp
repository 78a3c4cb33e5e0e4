#include "gateway/market/send_queue.h"

#include <algorithm>
#include <cassert>

namespace mc::gateway::market {

send_queue::send_queue(std::size_t limit) : limit_(std::max<std::size_t>(limit, 1)) {}

send_queue::push_result send_queue::push(std::uint32_t symbol, payload_ptr payload) {
  // A pending quote of this symbol is stale now: overwrite it in place (it keeps its slot, so
  // the client still sees every symbol in turn).
  for (auto& item : items_) {
    if (item.symbol == symbol) {
      item.payload = std::move(payload);
      return push_result::coalesced;
    }
  }
  if (items_.size() < limit_) {
    items_.push_back({symbol, std::move(payload)});
    return push_result::queued;
  }
  // More symbols than slots: the oldest quote goes.
  items_.pop_front();
  items_.push_back({symbol, std::move(payload)});
  assert(items_.size() == limit_);
  return push_result::dropped_oldest;
}

std::optional<payload_ptr> send_queue::pop() {
  if (items_.empty()) return std::nullopt;
  auto p = std::move(items_.front().payload);
  items_.pop_front();
  return p;
}

}  // namespace mc::gateway::market
