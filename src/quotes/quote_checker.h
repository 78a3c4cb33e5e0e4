// The gate between feeds and publishing: a quote passes only if its symbol is configured,
// prices and sizes are positive, bid < ask, and time and sequence move forward per symbol.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "quotes/drop_reason.h"
#include "quotes/quote.h"

namespace mc::quotes {

class quote_checker {
 public:
  explicit quote_checker(const std::vector<std::string>& symbols);

  // nullopt when the quote is good (and becomes the new per-symbol baseline), else why not.
  // A rejected quote leaves the baseline untouched.
  std::optional<drop_reason> check(const quote& q);

  // Forgets the baselines, e.g. when a replay file starts over.
  void reset();

 private:
  struct last_seen {
    timestamp exchange_time{};
    uint64_t sequence = 0;
    bool any = false;
  };
  std::unordered_map<std::string, last_seen> last_;
};

}  // namespace mc::quotes
