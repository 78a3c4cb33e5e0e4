// Order book structure: FIFO queues per level, sorted levels with the best at the top,
// aggregated depth, and the id map behind O(1) order lookup.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "engine/id_map.h"
#include "engine/order_book.h"

namespace mc::engine {
namespace {

std::uint32_t add(order_pool& pool, order_book& book, side s, price_t price, qty_t qty) {
  const std::uint32_t i = pool.allocate();
  pool[i].id = i + 1;
  pool[i].side = s;
  pool[i].price = price;
  pool[i].leaves = qty;
  book.insert(pool, i);
  return i;
}

TEST(order_book, best_prices_and_fifo_within_level) {
  order_pool pool(16);
  order_book book;
  EXPECT_FALSE(book.best_price(side::buy));
  const auto a = add(pool, book, side::buy, 100, 5);
  const auto b = add(pool, book, side::buy, 102, 1);
  const auto c = add(pool, book, side::buy, 102, 2);
  add(pool, book, side::sell, 105, 3);
  add(pool, book, side::sell, 104, 4);
  EXPECT_EQ(*book.best_price(side::buy), 102);
  EXPECT_EQ(*book.best_price(side::sell), 104);
  const price_level& top = book.level(book.best_level(side::buy));
  EXPECT_EQ(top.head, b);
  EXPECT_EQ(pool[top.head].next, c);
  EXPECT_EQ(top.total_qty, 3);
  book.remove(pool, b);
  EXPECT_EQ(book.level(book.best_level(side::buy)).head, c);
  book.remove(pool, c);
  EXPECT_EQ(*book.best_price(side::buy), 100);
  EXPECT_EQ(book.level(book.best_level(side::buy)).head, a);
}

TEST(order_book, depth_aggregates_best_first) {
  order_pool pool(16);
  order_book book;
  add(pool, book, side::sell, 110, 1);
  add(pool, book, side::sell, 101, 2);
  add(pool, book, side::sell, 101, 3);
  add(pool, book, side::sell, 105, 4);
  std::vector<depth_level> d;
  book.depth(side::sell, 2, d);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].price, 101);
  EXPECT_EQ(d[0].qty, 5);
  EXPECT_EQ(d[0].orders, 2u);
  EXPECT_EQ(d[1].price, 105);
  d.clear();
  book.depth(side::buy, 5, d);
  EXPECT_TRUE(d.empty());
}

TEST(order_book, reduce_keeps_position_and_updates_total) {
  order_pool pool(16);
  order_book book;
  const auto a = add(pool, book, side::sell, 50, 10);
  add(pool, book, side::sell, 50, 7);
  book.reduce(pool, a, 4);
  const price_level& l = book.level(book.best_level(side::sell));
  EXPECT_EQ(l.head, a);
  EXPECT_EQ(l.total_qty, 13);
  EXPECT_EQ(pool[a].leaves, 6);
}

TEST(order_book, random_inserts_and_removes_keep_levels_sorted) {
  order_pool pool(1024);
  order_book book;
  std::mt19937_64 rng(7);
  std::vector<std::uint32_t> live;
  std::map<price_t, qty_t> model;  // bids only
  for (int step = 0; step < 5000; ++step) {
    if (live.empty() || rng() % 3 != 0) {
      const price_t p = 1000 + static_cast<price_t>(rng() % 200);
      const qty_t q = 1 + static_cast<qty_t>(rng() % 9);
      live.push_back(add(pool, book, side::buy, p, q));
      model[p] += q;
    } else {
      const std::size_t k = rng() % live.size();
      const std::uint32_t i = live[k];
      model[pool[i].price] -= pool[i].leaves;
      if (model[pool[i].price] == 0) model.erase(pool[i].price);
      book.remove(pool, i);
      pool.release(i);
      live[k] = live.back();
      live.pop_back();
    }
    ASSERT_EQ(book.level_count(side::buy), model.size());
  }
  std::vector<depth_level> d;
  book.depth(side::buy, model.size(), d);
  auto it = model.rbegin();
  for (const depth_level& l : d) {
    EXPECT_EQ(l.price, it->first);
    EXPECT_EQ(l.qty, it->second);
    ++it;
  }
}

TEST(id_map, insert_find_erase_against_std_map) {
  id_map m(4);
  std::map<std::uint64_t, std::uint32_t> model;
  std::mt19937_64 rng(11);
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t key = 1 + rng() % 3000;
    if (rng() % 2 == 0) {
      if (!model.count(key)) {
        m.insert(key, static_cast<std::uint32_t>(step));
        model[key] = static_cast<std::uint32_t>(step);
      }
    } else {
      EXPECT_EQ(m.erase(key), model.erase(key) == 1);
    }
    const std::uint64_t probe = 1 + rng() % 3000;
    const auto it = model.find(probe);
    EXPECT_EQ(m.find(probe), it == model.end() ? id_map::npos : it->second);
  }
  EXPECT_EQ(m.size(), model.size());
  EXPECT_EQ(m.find(0), id_map::npos);
}

}  // namespace
}  // namespace mc::engine
