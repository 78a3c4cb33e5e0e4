// Boost.JSON decoding without exceptions: a bad message is dropped, never fatal.
#include "tradeledger/core/quote_message.h"

#include <boost/json.hpp>

namespace mc::tradeledger {

namespace {

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return "";
  if (const auto* s = v->if_string()) return std::string(s->data(), s->size());
  return "";
}

}  // namespace

std::optional<quote_message> parse_quote_message(std::string_view payload) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  quote_message q;
  q.symbol = text_of(o, "symbol");
  q.bid = text_of(o, "bid");
  q.ask = text_of(o, "ask");
  q.bid_size = text_of(o, "bid_size");
  q.ask_size = text_of(o, "ask_size");
  if (const auto* s = o.if_contains("stale"); s && s->is_bool()) q.stale = s->get_bool();
  if (q.symbol.empty() || q.bid.empty() || q.ask.empty()) return std::nullopt;
  return q;
}

}  // namespace mc::tradeledger
