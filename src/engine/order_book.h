// One symbol's book: price levels in a pooled array, each with an intrusive FIFO of order
// nodes, and per side a sorted array of (price, level) with the best price at the back, so
// the hot operations (match at the top, add near the top) touch the end of a small array.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/id_map.h"
#include "engine/order_pool.h"
#include "engine/types.h"

namespace mc::engine {

struct price_level {
  price_t price = 0;
  qty_t total_qty = 0;
  std::uint32_t count = 0;
  std::uint32_t head = no_index;  // oldest order: next to match
  std::uint32_t tail = no_index;
};

struct depth_level {
  price_t price = 0;
  qty_t qty = 0;
  std::uint32_t orders = 0;
};

class order_book {
 public:
  order_book() = default;

  // Appends the node (price, side, leaves already set) to the tail of its price level.
  void insert(order_pool& pool, std::uint32_t index);
  // Unlinks the node; an emptied level is dropped.
  void remove(order_pool& pool, std::uint32_t index);
  // Lowers a resting order's leaves by `by` without touching its queue position.
  void reduce(order_pool& pool, std::uint32_t index, qty_t by) {
    pool[index].leaves -= by;
    levels_[pool[index].level].total_qty -= by;
  }

  // Index of the best level on a side, or no_index when the side is empty.
  std::uint32_t best_level(side s) const {
    const ladder& l = ladder_of(s);
    return l.keys.empty() ? no_index : l.levels.back();
  }
  const price_level& level(std::uint32_t i) const { return levels_[i]; }
  std::optional<price_t> best_price(side s) const {
    const ladder& l = ladder_of(s);
    if (l.keys.empty()) return std::nullopt;
    return levels_[l.levels.back()].price;
  }
  std::size_t level_count(side s) const { return ladder_of(s).keys.size(); }
  // The i-th best level of a side (0 = best); i < level_count(s).
  const price_level& level_at(side s, std::size_t i) const {
    const ladder& l = ladder_of(s);
    return levels_[l.levels[l.keys.size() - 1 - i]];
  }

  // Appends up to `max_levels` aggregated levels of one side, best first.
  void depth(side s, std::size_t max_levels, std::vector<depth_level>& out) const;

 private:
  // One side's active levels sorted by key ascending, best (largest key) at the back. The key
  // is the price for bids and the negated price for asks, so both sides share one search.
  // Keys live in their own dense array so the search touches few cache lines.
  struct ladder {
    std::vector<std::int64_t> keys;
    std::vector<std::uint32_t> levels;
  };
  static std::int64_t key_of(side s, price_t price) { return s == side::buy ? price : -price; }
  ladder& ladder_of(side s) { return s == side::buy ? bids_ : asks_; }
  const ladder& ladder_of(side s) const { return s == side::buy ? bids_ : asks_; }
  // Index of the first key >= key (branchless binary search).
  static std::size_t lower_bound(const std::vector<std::int64_t>& keys, std::int64_t key);

  std::vector<price_level> levels_;
  std::vector<std::uint32_t> free_levels_;
  // Active level by key (as uint64; never 0 because prices are positive): an insert at an
  // existing price, the common case, skips the binary search.
  id_map level_index_{256};
  ladder bids_;
  ladder asks_;
};

}  // namespace mc::engine
