// In-memory accounts: per user and asset an available and a held balance. System accounts
// (house, fee) are flagged; only an account with may_go_negative may drop below zero.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/id_map.h"
#include "engine/market_spec.h"
#include "engine/order_pool.h"
#include "engine/types.h"

namespace mc::engine {

struct account {
  user_id user = 0;
  bool may_go_negative = false;  // the house liquidity account
  bool fee_exempt = false;       // system accounts pay no trading fees
  bool system = false;           // house and fee accounts: no user commands
  std::array<amount_t, max_assets> available{};
  std::array<amount_t, max_assets> held{};
  std::uint32_t orders_head = no_index;  // open orders, oldest first
  std::uint32_t orders_tail = no_index;
};

class account_store {
 public:
  explicit account_store(std::size_t capacity) : index_(capacity) { accounts_.reserve(capacity); }

  // Index of the user's account or no_index.
  std::uint32_t find(user_id user) const {
    const std::uint32_t i = index_.find(user);
    return i == id_map::npos ? no_index : i;
  }

  std::uint32_t find_or_create(user_id user) {
    std::uint32_t i = find(user);
    if (i != no_index) return i;
    i = static_cast<std::uint32_t>(accounts_.size());
    accounts_.push_back(account{});
    accounts_.back().user = user;
    index_.insert(user, i);
    return i;
  }

  account& operator[](std::uint32_t i) { return accounts_[i]; }
  const account& operator[](std::uint32_t i) const { return accounts_[i]; }
  // All accounts in creation order (deterministic iteration for audits and snapshots).
  const std::vector<account>& all() const { return accounts_; }

 private:
  id_map index_;
  std::vector<account> accounts_;
};

}  // namespace mc::engine
