// Per-symbol sanity checks; see quote_checker.h for the rules.
#include "quotes/quote_checker.h"

namespace mc::quotes {

quote_checker::quote_checker(const std::vector<std::string>& symbols) {
  for (const auto& s : symbols) last_.emplace(s, last_seen{});
}

std::optional<drop_reason> quote_checker::check(const quote& q) {
  auto it = last_.find(q.symbol);
  if (it == last_.end()) return drop_reason::unknown_symbol;
  if (q.bid <= 0 || q.ask <= 0 || q.bid_size <= 0 || q.ask_size <= 0 || q.last < 0) {
    return drop_reason::non_positive;
  }
  if (q.bid >= q.ask) return drop_reason::crossed;
  last_seen& prev = it->second;
  if (prev.any) {
    // Equal times are fine: several ticks can share a microsecond stamp.
    if (q.exchange_time < prev.exchange_time) return drop_reason::time_backwards;
    if (q.sequence != 0 && q.sequence <= prev.sequence) return drop_reason::sequence_backwards;
  }
  prev.exchange_time = q.exchange_time;
  if (q.sequence != 0) prev.sequence = q.sequence;
  prev.any = true;
  return std::nullopt;
}

void quote_checker::reset() {
  for (auto& [symbol, seen] : last_) seen = last_seen{};
}

}  // namespace mc::quotes
