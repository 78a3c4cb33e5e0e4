// JSON for a normalised quote, written by hand into one buffer: this runs for every tick.
#include "quotes/quote.h"

#include "common/money/decimal.h"
#include "quotes/time_format.h"

namespace mc::quotes {

std::string_view to_string(feed_source s) noexcept {
  switch (s) {
    case feed_source::sim:
      return "sim";
    case feed_source::coinbase:
      return "coinbase";
    case feed_source::replay:
      return "replay";
  }
  return "unknown";
}

namespace {

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out.push_back('"');
  out.append(key);
  out.append("\":\"");
  out.append(value);
  out.push_back('"');
}

}  // namespace

void append_json(std::string& out, const quote& q, bool stale) {
  // Symbols are validated against [A-Z0-9-] at configuration, so no escaping is needed.
  out.append("{\"symbol\":\"");
  out.append(q.symbol);
  out.append("\",");
  append_field(out, "bid", money::format_decimal(q.bid, price_scale));
  out.push_back(',');
  append_field(out, "ask", money::format_decimal(q.ask, price_scale));
  out.push_back(',');
  append_field(out, "last", money::format_decimal(q.last, price_scale));
  out.push_back(',');
  append_field(out, "bid_size", money::format_decimal(q.bid_size, size_scale));
  out.push_back(',');
  append_field(out, "ask_size", money::format_decimal(q.ask_size, size_scale));
  out.append(",\"ts\":\"");
  append_rfc3339_ms(out, q.exchange_time);
  out.append("\",\"recv_ts\":\"");
  append_rfc3339_ms(out, q.receive_time);
  out.append("\",\"seq\":");
  out.append(std::to_string(q.sequence));
  out.push_back(',');
  append_field(out, "source", to_string(q.source));
  out.append(stale ? ",\"stale\":true}" : ",\"stale\":false}");
}

std::string to_json(const quote& q, bool stale) {
  std::string out;
  out.reserve(256);
  append_json(out, q, stale);
  return out;
}

}  // namespace mc::quotes
