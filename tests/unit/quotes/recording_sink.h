// A feed_sink double that records everything a feed reports, for feed tests.
#pragma once

#include <string>
#include <vector>

#include "quotes/feed.h"

namespace mc::quotes::test {

class recording_sink : public feed_sink {
 public:
  void on_quote(quote q) override { quotes.push_back(std::move(q)); }
  void on_malformed(std::string_view detail) override { malformed.emplace_back(detail); }
  void on_connected(bool reconnect) override { (reconnect ? reconnects : connects) += 1; }
  void on_disconnected(std::string_view why) override { disconnects.emplace_back(why); }
  void on_sequence_gap(std::string_view symbol, uint64_t missed) override {
    gaps.emplace_back(std::string(symbol), missed);
  }

  std::vector<quote> quotes;
  std::vector<std::string> malformed;
  std::vector<std::string> disconnects;
  std::vector<std::pair<std::string, uint64_t>> gaps;
  int connects = 0;
  int reconnects = 0;
};

}  // namespace mc::quotes::test
