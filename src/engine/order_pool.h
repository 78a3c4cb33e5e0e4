// Pooled order nodes addressed by 32-bit index. A node carries two intrusive links: its FIFO
// queue inside a price level and its owner's list of open orders.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/types.h"

namespace mc::engine {

inline constexpr std::uint32_t no_index = UINT32_MAX;

struct order_node {
  order_id id = 0;  // 0 marks a free node
  user_id user = 0;
  std::uint32_t account = no_index;
  symbol_id symbol = 0;
  engine::side side = engine::side::buy;
  time_in_force tif = time_in_force::gtc;
  bool post_only = false;
  bool in_user_list = false;
  price_t price = 0;
  qty_t leaves = 0;
  qty_t filled = 0;
  amount_t hold = 0;               // quote units for buys, base units for sells
  std::int64_t fee_units = 0;      // sum of notional * bps over this order's fills
  int max_fee_bps = 0;             // highest fee rate this order can pay; sizes the buy hold
  std::uint32_t level = no_index;  // price level while resting in the book
  std::uint32_t prev = no_index;   // FIFO neighbours within the level (free list uses next)
  std::uint32_t next = no_index;
  std::uint32_t user_prev = no_index;
  std::uint32_t user_next = no_index;
};

class order_pool {
 public:
  explicit order_pool(std::size_t capacity) { nodes_.reserve(capacity); }

  std::uint32_t allocate() {
    if (free_head_ != no_index) {
      const std::uint32_t i = free_head_;
      free_head_ = nodes_[i].next;
      nodes_[i] = order_node{};
      return i;
    }
    nodes_.emplace_back();
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }

  void release(std::uint32_t i) {
    nodes_[i].id = 0;
    nodes_[i].next = free_head_;
    free_head_ = i;
  }

  order_node& operator[](std::uint32_t i) { return nodes_[i]; }
  const order_node& operator[](std::uint32_t i) const { return nodes_[i]; }
  std::size_t slots() const { return nodes_.size(); }

 private:
  std::vector<order_node> nodes_;
  std::uint32_t free_head_ = no_index;
};

}  // namespace mc::engine
