// The engine fuzz body shared by the libFuzzer target (engine_fuzz.cpp) and the always-built
// corpus replay test (tests/unit/engine/fuzz_replay_test.cpp): decode bytes into commands,
// apply them, and check the engine's invariants after every command.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/matching_engine.h"

namespace mc::engine::fuzz {

// Small markets so random bytes produce valid, colliding orders and rounding on every fill.
inline engine_config fuzz_config() {
  engine_config c;
  c.assets = {{"USD", 2}, {"BTC", 3}, {"ETH", 2}};
  c.markets.push_back(market_spec{"BTC-USD", 1, 0, 5, 2, 2, 200, 2'000, 300, 7, 13});
  c.markets.push_back(market_spec{"ETH-USD", 2, 0, 1, 1, 1, 100, 500, 1'000, 0, 30});
  c.order_capacity = 64;
  c.account_capacity = 8;
  return c;
}

class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Returns an empty string when every invariant held, else a description of the violation.
// `trades`, when given, is increased by the number of trades (lets tests prove coverage).
inline std::string run_engine_fuzz(const std::uint8_t* data, std::size_t size,
                                   std::size_t* trades = nullptr) {
  const engine_config cfg = fuzz_config();
  matching_engine eng(cfg);
  byte_reader in(data, size);
  std::vector<event> ev;
  std::array<int128_t, max_assets> supply{};
  std::vector<order_id> ids;
  std::uint64_t seq = 0;

  while (!in.done()) {
    const std::uint8_t op = in.u8();
    const user_id user = 100 + (op >> 5) % 5;  // occasionally the house (1) or fee (2) user below
    command c;
    switch (op % 6) {
      case 0:
      case 1: {
        place_order p;
        p.user = (op & 0x18) == 0x18 ? 1 + (op >> 7) : user;
        const std::uint8_t f = in.u8();
        p.symbol = f % 3 == 2 ? (f & 0x80 ? 2 : 0) : f % 3;
        p.side = (f & 4) ? side::buy : side::sell;
        p.type = (f & 8) && (f & 16) ? order_type::market : order_type::limit;
        p.tif = static_cast<time_in_force>((f >> 5) % 3);
        p.post_only = (f & 0x40) && !(f & 8);
        p.price = static_cast<price_t>(in.u16() % 2'100);
        p.qty = static_cast<qty_t>(in.u8());
        if (f & 0x80) p.id = 1'000 + in.u8() % 32;
        c = p;
        break;
      }
      case 2: {
        const order_id id = ids.empty() ? in.u8() : ids[in.u8() % ids.size()];
        c = cancel_order{0, user, id};
        break;
      }
      case 3: {
        const order_id id = ids.empty() ? in.u8() : ids[in.u8() % ids.size()];
        c = replace_order{0, user, id, static_cast<price_t>(in.u16() % 2'100),
                          static_cast<qty_t>(in.u8())};
        break;
      }
      case 4:
        c = top_up{0, user, static_cast<asset_id>(in.u8() % 4),
                   static_cast<amount_t>(in.u16()) * (1 + (op >> 6)) - 8};
        break;
      default: {
        const symbol_id s = in.u8() % 3;
        const price_t bid = static_cast<price_t>(in.u16() % 2'100);
        c = quote_tick{0,
                       s,
                       bid,
                       static_cast<qty_t>(in.u8() % 40),
                       bid + in.u8() % 64,
                       static_cast<qty_t>(in.u8() % 40)};
        break;
      }
    }
    std::visit([&](auto& x) { x.seq = ++seq; }, c);

    ev.clear();
    eng.apply(c, ev);
    for (const event& e : ev) {
      if (e.seq != seq) return "event with a foreign seq";
      if (e.type == event_type::order_accepted) {
        ids.push_back(e.accepted.order);
        if (ids.size() > 32) ids.erase(ids.begin());
      }
      if (e.type == event_type::order_rejected && ev.size() != 1) {
        return "a rejected command emitted other events";
      }
      if (e.type == event_type::trade) {
        if (e.trade.qty <= 0 || e.trade.notional < 0) return "trade with a non-positive qty";
        if (trades != nullptr) ++*trades;
      }
    }
    if (const auto* t = std::get_if<top_up>(&c)) {
      if (ev.size() == 1 && ev[0].type == event_type::balance_changed)
        supply[t->asset] += t->amount;
    }
    for (asset_id a = 0; a < cfg.assets.size(); ++a) {
      int128_t sum = 0;
      for (const account& acc : eng.accounts())
        sum += static_cast<int128_t>(acc.available[a]) + acc.held[a];
      if (sum != supply[a])
        return "asset " + cfg.assets[a].code + " not conserved at seq " + std::to_string(seq);
    }
    const audit_result r = eng.audit();
    if (!r.ok) return r.message + " at seq " + std::to_string(seq);
  }
  return {};
}

}  // namespace mc::engine::fuzz
