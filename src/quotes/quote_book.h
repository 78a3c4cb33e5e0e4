// The latest good quote per configured symbol and whether it is stale (no good quote received
// for stale_after). Read by HTTP handlers on other threads, so it is guarded by a mutex.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "quotes/quote.h"

namespace mc::quotes {

struct book_entry {
  quote q;
  bool stale = false;
};

class quote_book {
 public:
  quote_book(std::vector<std::string> symbols, std::chrono::milliseconds stale_after);

  // Stores a checked quote (fresh by definition).
  void update(const quote& q);

  // Marks symbols whose last good quote was received before now - stale_after (or which never
  // had one and the book is older than stale_after). Returns the entries that just turned
  // stale, so the caller can publish them flagged.
  std::vector<book_entry> refresh_staleness(timestamp now);

  bool known(const std::string& symbol) const;
  // nullopt for unknown symbols and for symbols with no quote yet.
  std::optional<book_entry> get(const std::string& symbol) const;
  std::vector<book_entry> all() const;
  // True when any configured symbol is stale (including never quoted past the grace period).
  bool any_stale() const;
  const std::vector<std::string>& symbols() const { return symbols_; }

 private:
  struct slot {
    std::optional<quote> q;
    bool stale = false;
  };
  std::vector<std::string> symbols_;
  std::chrono::milliseconds stale_after_;
  std::optional<timestamp> created_;
  mutable std::mutex mutex_;
  std::map<std::string, slot, std::less<>> slots_;
};

// {"quotes":[...]} in configured symbol order; symbols without a quote are left out.
std::string book_to_json(const std::vector<book_entry>& entries);

}  // namespace mc::quotes
