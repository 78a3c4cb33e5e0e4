// Latest-quote snapshot and staleness tracking by receive time.
#include "quotes/quote_book.h"

namespace mc::quotes {

quote_book::quote_book(std::vector<std::string> symbols, std::chrono::milliseconds stale_after)
    : symbols_(std::move(symbols)), stale_after_(stale_after) {
  for (const auto& s : symbols_) slots_.emplace(s, slot{});
}

void quote_book::update(const quote& q) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(q.symbol);
  if (it == slots_.end()) return;
  it->second.q = q;
  it->second.stale = false;
}

std::vector<book_entry> quote_book::refresh_staleness(timestamp now) {
  std::lock_guard lock(mutex_);
  if (!created_) created_ = now;
  std::vector<book_entry> turned;
  for (auto& [symbol, s] : slots_) {
    bool stale = s.q ? now - s.q->receive_time > stale_after_ : now - *created_ > stale_after_;
    if (stale && !s.stale && s.q) turned.push_back({*s.q, true});
    s.stale = stale;
  }
  return turned;
}

bool quote_book::known(const std::string& symbol) const {
  return slots_.contains(symbol);
}

std::optional<book_entry> quote_book::get(const std::string& symbol) const {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(symbol);
  if (it == slots_.end() || !it->second.q) return std::nullopt;
  return book_entry{*it->second.q, it->second.stale};
}

std::vector<book_entry> quote_book::all() const {
  std::lock_guard lock(mutex_);
  std::vector<book_entry> out;
  for (const auto& symbol : symbols_) {
    const auto& s = slots_.at(symbol);
    if (s.q) out.push_back({*s.q, s.stale});
  }
  return out;
}

bool quote_book::any_stale() const {
  std::lock_guard lock(mutex_);
  for (const auto& [symbol, s] : slots_) {
    if (s.stale) return true;
  }
  return false;
}

std::string book_to_json(const std::vector<book_entry>& entries) {
  std::string out = "{\"quotes\":[";
  bool first = true;
  for (const auto& e : entries) {
    if (!first) out.push_back(',');
    first = false;
    append_json(out, e.q, e.stale);
  }
  out.append("]}");
  return out;
}

}  // namespace mc::quotes
