// Notices missed tickers: Coinbase's ticker carries the product's trade_id, which rises by
// one per trade, so a jump means tickers were lost (e.g. while disconnected). The `sequence`
// field is not used for this: it counts every order-book event and skips by design.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace mc::quotes {

class trade_gap_tracker {
 public:
  // Returns how many trade ids were skipped since the last one seen for `symbol` (0 on the
  // first, on consecutive ids, and on ids that go backwards, which the checker handles).
  uint64_t observe(const std::string& symbol, uint64_t trade_id) {
    auto [it, inserted] = last_.try_emplace(symbol, trade_id);
    if (inserted) return 0;
    uint64_t prev = it->second;
    if (trade_id <= prev) return 0;
    it->second = trade_id;
    return trade_id - prev - 1;
  }

  void reset() { last_.clear(); }

 private:
  std::unordered_map<std::string, uint64_t> last_;
};

}  // namespace mc::quotes
