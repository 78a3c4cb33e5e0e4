// Price-level bookkeeping for one symbol's book: FIFO queues and the sorted level arrays.
#include "engine/order_book.h"

#include <algorithm>
#include <cassert>

namespace mc::engine {

std::size_t order_book::lower_bound(const std::vector<std::int64_t>& keys, std::int64_t key) {
  // Most activity is at the top of the book, i.e. the back of the array.
  const std::size_t n = keys.size();
  if (n == 0 || keys[n - 1] < key) return n;
  if (keys[n - 1] == key) return n - 1;
  const std::int64_t* base = keys.data();
  std::size_t len = n;
  while (len > 1) {
    const std::size_t half = len / 2;
    // Arithmetic instead of a branch: the comparison is unpredictable, a mispredict costs more
    // than the whole step.
    base += static_cast<std::size_t>(base[half - 1] < key) * half;
    len -= half;
  }
  return static_cast<std::size_t>(base - keys.data()) + (*base < key ? 1 : 0);
}

void order_book::insert(order_pool& pool, std::uint32_t index) {
  order_node& n = pool[index];
  ladder& lad = ladder_of(n.side);
  const std::int64_t key = key_of(n.side, n.price);
  std::uint32_t li = level_index_.find(static_cast<std::uint64_t>(key));
  if (li == id_map::npos) {
    const std::size_t pos = lower_bound(lad.keys, key);
    assert(pos == lad.keys.size() || lad.keys[pos] != key);
    if (!free_levels_.empty()) {
      li = free_levels_.back();
      free_levels_.pop_back();
      levels_[li] = price_level{};
    } else {
      levels_.emplace_back();
      li = static_cast<std::uint32_t>(levels_.size() - 1);
    }
    levels_[li].price = n.price;
    lad.keys.insert(lad.keys.begin() + static_cast<std::ptrdiff_t>(pos), key);
    lad.levels.insert(lad.levels.begin() + static_cast<std::ptrdiff_t>(pos), li);
    level_index_.insert(static_cast<std::uint64_t>(key), li);
  }
  price_level& l = levels_[li];
  n.level = li;
  n.prev = l.tail;
  n.next = no_index;
  if (l.tail != no_index) {
    pool[l.tail].next = index;
  } else {
    l.head = index;
  }
  l.tail = index;
  l.total_qty += n.leaves;
  ++l.count;
}

void order_book::remove(order_pool& pool, std::uint32_t index) {
  order_node& n = pool[index];
  assert(n.level != no_index);
  const std::uint32_t li = n.level;
  price_level& l = levels_[li];
  if (n.prev != no_index) {
    pool[n.prev].next = n.next;
  } else {
    l.head = n.next;
  }
  if (n.next != no_index) {
    pool[n.next].prev = n.prev;
  } else {
    l.tail = n.prev;
  }
  l.total_qty -= n.leaves;
  --l.count;
  n.level = no_index;
  n.prev = n.next = no_index;
  if (l.count == 0) {
    ladder& lad = ladder_of(n.side);
    const std::int64_t key = key_of(n.side, l.price);
    const std::size_t pos = lower_bound(lad.keys, key);
    assert(pos < lad.keys.size() && lad.levels[pos] == li);
    lad.keys.erase(lad.keys.begin() + static_cast<std::ptrdiff_t>(pos));
    lad.levels.erase(lad.levels.begin() + static_cast<std::ptrdiff_t>(pos));
    level_index_.erase(static_cast<std::uint64_t>(key));
    free_levels_.push_back(li);
  }
}

void order_book::depth(side s, std::size_t max_levels, std::vector<depth_level>& out) const {
  const std::size_t n = std::min(max_levels, level_count(s));
  for (std::size_t i = 0; i < n; ++i) {
    const price_level& l = level_at(s, i);
    out.push_back(depth_level{l.price, l.total_qty, l.count});
  }
}

}  // namespace mc::engine
