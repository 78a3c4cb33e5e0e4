// Coinbase frame parsing with Boost.JSON; every failure becomes coinbase_malformed with a
// short detail for the drop log line, never an exception.
#include "quotes/coinbase_message.h"

#include <boost/json.hpp>

#include "common/money/decimal.h"
#include "quotes/time_format.h"

namespace mc::quotes {
namespace json = boost::json;

namespace {

const json::string* find_string(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// Coinbase sends integers as JSON numbers, but tolerate decimal-string integers too.
std::optional<uint64_t> find_uint(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (auto* u = v->if_uint64()) return *u;
  if (auto* i = v->if_int64(); i && *i >= 0) return static_cast<uint64_t>(*i);
  if (auto* s = v->if_string()) {
    if (auto n = parse_venue_decimal(*s, 0)) return static_cast<uint64_t>(*n);
  }
  return std::nullopt;
}

coinbase_message parse_ticker(const json::object& o, feed_source source, timestamp received) {
  coinbase_ticker t;
  quote& q = t.q;
  q.source = source;
  q.receive_time = received;
  auto* product = find_string(o, "product_id");
  if (!product || product->empty()) return coinbase_malformed{"ticker without product_id"};
  q.symbol.assign(product->data(), product->size());

  struct price_field {
    std::string_view key;
    int scale;
    int64_t* out;
  };
  const price_field fields[] = {
      {"best_bid", price_scale, &q.bid},
      {"best_ask", price_scale, &q.ask},
      {"best_bid_size", size_scale, &q.bid_size},
      {"best_ask_size", size_scale, &q.ask_size},
      {"price", price_scale, &q.last},
  };
  for (const auto& f : fields) {
    auto* s = find_string(o, f.key);
    if (!s) return coinbase_malformed{"ticker " + q.symbol + " lacks " + std::string(f.key)};
    auto v = parse_venue_decimal(*s, f.scale);
    if (!v) {
      return coinbase_malformed{"ticker " + q.symbol + " has bad " + std::string(f.key) + " \"" +
                                std::string(s->data(), s->size()) + "\""};
    }
    *f.out = *v;
  }
  auto* time = find_string(o, "time");
  auto parsed_time = time ? parse_rfc3339(*time) : std::nullopt;
  if (!parsed_time) return coinbase_malformed{"ticker " + q.symbol + " has bad time"};
  q.exchange_time = *parsed_time;
  auto seq = find_uint(o, "sequence");
  if (!seq) return coinbase_malformed{"ticker " + q.symbol + " has bad sequence"};
  q.sequence = *seq;
  t.trade_id = find_uint(o, "trade_id");
  return t;
}

}  // namespace

std::optional<int64_t> parse_venue_decimal(std::string_view text, int scale) {
  // Drop fraction zeros beyond the scale ("0.50000000" at scale 2 is exactly 0.50).
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    while (text.size() > dot + 1 + static_cast<size_t>(scale) && text.back() == '0') {
      text.remove_suffix(1);
    }
    if (text.size() == dot + 1) text.remove_suffix(1);
  }
  auto r = money::parse_decimal(text, scale);
  if (!r) return std::nullopt;
  return *r;
}

coinbase_message parse_coinbase_message(std::string_view text, feed_source source,
                                        timestamp received) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return coinbase_malformed{"not JSON: " + ec.message()};
  auto* o = v.if_object();
  if (!o) return coinbase_malformed{"not a JSON object"};
  auto* type = find_string(*o, "type");
  if (!type) return coinbase_malformed{"message without type"};

  if (*type == "ticker") return parse_ticker(*o, source, received);
  if (*type == "heartbeat") {
    coinbase_heartbeat h;
    auto* product = find_string(*o, "product_id");
    auto seq = find_uint(*o, "sequence");
    if (!product || !seq) return coinbase_malformed{"heartbeat without product_id or sequence"};
    h.product_id.assign(product->data(), product->size());
    h.sequence = *seq;
    h.last_trade_id = find_uint(*o, "last_trade_id");
    return h;
  }
  if (*type == "subscriptions") {
    coinbase_subscriptions s;
    if (auto* channels = o->if_contains("channels"); channels && channels->is_array()) {
      for (const auto& ch : channels->get_array()) {
        const json::array* ids = nullptr;
        if (auto* cho = ch.if_object()) {
          if (auto* p = cho->if_contains("product_ids")) ids = p->if_array();
        }
        if (!ids) continue;
        for (const auto& id : *ids) {
          if (auto* str = id.if_string()) s.product_ids.emplace_back(str->data(), str->size());
        }
      }
    }
    return s;
  }
  if (*type == "error") {
    auto* msg = find_string(*o, "message");
    auto* reason = find_string(*o, "reason");
    std::string text_out = msg ? std::string(msg->data(), msg->size()) : "error";
    if (reason) text_out += ": " + std::string(reason->data(), reason->size());
    return coinbase_error{std::move(text_out)};
  }
  return coinbase_other{std::string(type->data(), type->size())};
}

std::string make_subscribe_message(const std::vector<std::string>& product_ids) {
  json::object o;
  o["type"] = "subscribe";
  json::array ids;
  for (const auto& p : product_ids) ids.emplace_back(p);
  o["product_ids"] = std::move(ids);
  o["channels"] = json::array{"ticker", "heartbeat"};
  return json::serialize(o);
}

}  // namespace mc::quotes
