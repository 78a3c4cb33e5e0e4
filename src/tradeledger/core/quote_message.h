// Decoding of the Quotes service's normalised quote (the payload on quotes:<SYMBOL>):
// {"symbol","bid","ask","bid_size","ask_size","last","ts","seq","source","stale"}, decimal strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mc::tradeledger {

struct quote_message {
  std::string symbol;
  std::string bid;
  std::string ask;
  std::string bid_size;  // "" when absent
  std::string ask_size;
  bool stale = false;
};

// nullopt for malformed JSON or a missing symbol/bid/ask.
std::optional<quote_message> parse_quote_message(std::string_view payload);

}  // namespace mc::tradeledger
