// The one request validator (gateway and internal API). Amounts are parsed exactly (no floating
// point) at the asset's scale; the canonical form hashed for idempotency is built from parsed
// values, so whitespace, field order and "0.010" vs "0.01" do not change the hash.
#include "tradeledger/api/request_parser.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>
#include <optional>

#include "common/money/decimal.h"

namespace mc::tradeledger {

namespace json = boost::json;

namespace {

constexpr std::size_t json_parse_buffer_bytes = 4096;

parse_failure bad(std::string message) {
  return {400, "BAD_REQUEST", std::move(message)};
}
parse_failure bad_symbol(std::string_view symbol) {
  return {400, "INVALID_SYMBOL", "unknown symbol: " + std::string(symbol.substr(0, 32))};
}
parse_failure bad_type(std::string message) {
  return {400, "INVALID_ORDER_TYPE", std::move(message)};
}

// Fields of one JSON object, with the set of allowed names checked up front.
class object_reader {
 public:
  object_reader(const json::object& o) : object_(o) {}

  std::optional<parse_failure> only(const std::vector<std::string_view>& allowed) const {
    for (const auto& kv : object_) {
      bool known = false;
      for (auto name : allowed) known = known || kv.key() == name;
      if (!known) return bad("unknown field: " + std::string(kv.key().substr(0, 64)));
    }
    return std::nullopt;
  }

  // nullptr when absent (JSON null counts as absent).
  const json::value* find(std::string_view name) const {
    auto it = object_.find(name);
    if (it == object_.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }

  // A required or optional string field; failure when present with another type.
  std::variant<std::optional<std::string_view>, parse_failure> string(std::string_view name,
                                                                      bool required) const {
    const json::value* v = find(name);
    if (!v) {
      if (required) return bad("missing field: " + std::string(name));
      return std::optional<std::string_view>{};
    }
    if (!v->is_string()) return bad(std::string(name) + " must be a string");
    const json::string& s = v->get_string();
    return std::optional<std::string_view>{std::string_view(s.data(), s.size())};
  }

 private:
  const json::object& object_;
};

// Parses `body` into `mr`'s memory; failure unless it is one JSON object.
std::variant<json::value, parse_failure> parse_object(std::string_view body,
                                                      json::monotonic_resource& mr) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec, &mr);
  if (ec) return bad("malformed JSON: " + ec.message());
  if (!doc.is_object()) return bad("body must be a JSON object");
  return doc;
}

// Parses `body` as one JSON object holding only `allowed` fields and hands it to `read`; the
// parse's memory lives on this frame, for as long as `read` runs.
template <class R, class F>
parsed<R> read_object(std::string_view body, const std::vector<std::string_view>& allowed, F read) {
  std::array<unsigned char, json_parse_buffer_bytes> buffer;
  json::monotonic_resource mr(buffer.data(), buffer.size());
  auto doc = parse_object(body, mr);
  if (auto* f = std::get_if<parse_failure>(&doc)) return std::move(*f);
  object_reader in(std::get<json::value>(doc).get_object());
  if (auto f = in.only(allowed)) return std::move(*f);
  return read(in);
}

// Exact positive decimal at `scale`, at most `max_minor`, a multiple of `step`.
std::variant<int64_t, parse_failure> positive_decimal(std::string_view name, std::string_view text,
                                                      int scale, int64_t max_minor, int64_t step) {
  auto v = money::parse_decimal(text, scale);
  if (!v) {
    return bad(std::string(name) +
               " is not a valid decimal: " + std::string(money::to_string(v.error())));
  }
  if (*v <= 0) return bad(std::string(name) + " must be positive");
  if (*v > max_minor) return bad(std::string(name) + " is too large");
  if (step > 1 && *v % step != 0) {
    return bad(std::string(name) + " must be a multiple of " +
               money::format_decimal_trimmed(step, scale));
  }
  return *v;
}

bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

#define MC_TRY_STRING(var, reader, name, required)                         \
  std::optional<std::string_view> var;                                     \
  {                                                                        \
    auto r_ = (reader).string(name, required);                             \
    if (auto* f_ = std::get_if<parse_failure>(&r_)) return std::move(*f_); \
    var = std::get<0>(r_);                                                 \
  }

}  // namespace

market_catalog::market_catalog(engine::engine_config config) : config_(std::move(config)) {}

const engine::market_spec* market_catalog::find_market(std::string_view symbol) const {
  for (const auto& m : config_.markets) {
    if (m.name == symbol) return &m;
  }
  return nullptr;
}

int market_catalog::finest_scale() const {
  int scale = 0;
  for (const auto& a : config_.assets) scale = std::max(scale, a.scale);
  return scale;
}

const engine::asset_spec* market_catalog::find_asset(std::string_view code) const {
  for (const auto& a : config_.assets) {
    if (a.code == code) return &a;
  }
  return nullptr;
}

bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= idempotency_key_bytes_max && printable_ascii(key);
}

namespace {

// The caller's user id: from the gateway (`user`), or the body's "user_id" (internal API).
std::variant<std::string, parse_failure> user_of(const object_reader& in, const caller& user) {
  if (user) return *user;
  MC_TRY_STRING(id, in, "user_id", true);
  auto uuid = normalize_uuid(*id);
  if (!uuid) return bad("user_id must be a UUID");
  return std::move(*uuid);
}

// The body's allowed fields, plus "user_id" when the caller comes from the body.
std::vector<std::string_view> fields(std::initializer_list<std::string_view> names,
                                     const caller& user) {
  std::vector<std::string_view> all(names);
  if (!user) all.push_back("user_id");
  return all;
}

#define MC_TRY_USER(var, reader, user)                                     \
  std::string var;                                                         \
  {                                                                        \
    auto u_ = user_of(reader, user);                                       \
    if (auto* f_ = std::get_if<parse_failure>(&u_)) return std::move(*f_); \
    var = std::move(std::get<std::string>(u_));                            \
  }

}  // namespace

parsed<place_order_request> parse_place_order(std::string_view body, std::string idempotency_key,
                                              const market_catalog& markets, caller user) {
  return read_object<place_order_request>(
      body,
      fields({"symbol", "side", "type", "price", "qty", "time_in_force", "post_only",
              "client_order_id"},
             user),
      [&](const object_reader& in) -> parsed<place_order_request> {
        MC_TRY_USER(user_id, in, user);
        MC_TRY_STRING(symbol, in, "symbol", true);
        MC_TRY_STRING(side, in, "side", true);
        MC_TRY_STRING(type, in, "type", true);
        MC_TRY_STRING(qty, in, "qty", true);
        MC_TRY_STRING(price, in, "price", false);
        MC_TRY_STRING(tif, in, "time_in_force", false);
        MC_TRY_STRING(client_order_id, in, "client_order_id", false);

        place_order_request req;
        req.user_id = std::move(user_id);
        const engine::market_spec* market = markets.find_market(*symbol);
        if (!market) return bad_symbol(*symbol);
        req.symbol = std::string(*symbol);
        if (*side == "BUY") {
          req.side = order_side::buy;
        } else if (*side == "SELL") {
          req.side = order_side::sell;
        } else {
          return bad("side must be BUY or SELL");
        }
        if (*type == "LIMIT") {
          req.type = order_type::limit;
        } else if (*type == "MARKET") {
          req.type = order_type::market;
        } else {
          return bad_type("type must be MARKET or LIMIT");
        }
        const bool is_market = req.type == order_type::market;

        if (!tif || *tif == "GTC") {
          // A MARKET order never rests: GTC on it means "fill what you can now", i.e. IOC.
          req.tif = is_market ? time_in_force::ioc : time_in_force::gtc;
        } else if (*tif == "IOC") {
          req.tif = time_in_force::ioc;
        } else if (*tif == "FOK") {
          req.tif = time_in_force::fok;
        } else {
          return bad_type("time_in_force must be GTC, IOC or FOK");
        }
        if (const json::value* po = in.find("post_only")) {
          if (!po->is_bool()) return bad("post_only must be a boolean");
          req.post_only = po->get_bool();
        }
        if (req.post_only && (is_market || req.tif != time_in_force::gtc)) {
          return bad_type("post_only needs a GTC LIMIT order");
        }

        const int base_scale = markets.asset(market->base).scale;
        const int quote_scale = markets.asset(market->quote).scale;
        auto q = positive_decimal("qty", *qty, base_scale, market->max_qty, market->lot);
        if (auto* f = std::get_if<parse_failure>(&q)) return std::move(*f);
        req.qty = std::get<int64_t>(q);
        if (req.qty < market->min_qty) {
          return bad("qty is below the minimum " +
                     money::format_decimal_trimmed(market->min_qty, base_scale));
        }
        if (is_market) {
          if (price) return bad("price is not allowed for a MARKET order");
        } else {
          if (!price) return bad("missing field: price (required for LIMIT)");
          auto p =
              positive_decimal("price", *price, quote_scale, market->max_price, market->price_tick);
          if (auto* f = std::get_if<parse_failure>(&p)) return std::move(*f);
          req.price = std::get<int64_t>(p);
          // The minimum order value, checked where the price is known (a MARKET order's is
          // checked by the engine against the reference price).
          const auto base_unit = engine::pow10(base_scale);
          const auto notional = static_cast<engine::int128_t>(req.price) * req.qty / base_unit;
          if (notional < market->min_notional) {
            return bad("order value is below the minimum " +
                       money::format_decimal(market->min_notional, quote_scale));
          }
        }
        if (client_order_id) {
          if (client_order_id->size() > client_order_id_bytes_max ||
              !printable_ascii(*client_order_id)) {
            return bad("client_order_id must be at most 64 printable ASCII characters");
          }
          req.client_order_id = std::string(*client_order_id);
        }
        req.idempotency_key = std::move(idempotency_key);
        return req;
      });
}

parsed<topup_request> parse_topup(std::string_view body, std::string idempotency_key,
                                  const market_catalog& markets, caller user) {
  return read_object<topup_request>(
      body, fields({"amount", "currency"}, user),
      [&](const object_reader& in) -> parsed<topup_request> {
        MC_TRY_USER(user_id, in, user);
        MC_TRY_STRING(amount, in, "amount", true);
        MC_TRY_STRING(currency, in, "currency", false);

        topup_request req;
        req.user_id = std::move(user_id);
        req.currency = currency ? std::string(*currency) : "USD";
        const engine::asset_spec* asset = markets.find_asset(req.currency);
        if (!asset) return bad("unknown currency: " + req.currency.substr(0, 16));
        const int64_t max_minor = topup_whole_units_max * engine::pow10(asset->scale);
        auto a = positive_decimal("amount", *amount, asset->scale, max_minor, 1);
        if (auto* f = std::get_if<parse_failure>(&a)) return std::move(*f);
        req.amount = std::get<int64_t>(a);
        req.idempotency_key = std::move(idempotency_key);
        return req;
      });
}

parsed<replace_order_request> parse_replace(std::string_view body, std::string order_id,
                                            const market_catalog& markets, caller user) {
  return read_object<replace_order_request>(
      body, fields({"price", "qty"}, user),
      [&](const object_reader& in) -> parsed<replace_order_request> {
        MC_TRY_USER(user_id, in, user);
        MC_TRY_STRING(price, in, "price", false);
        MC_TRY_STRING(qty, in, "qty", false);
        if (!price && !qty) return bad("price or qty is required");
        replace_order_request req;
        req.user_id = std::move(user_id);
        req.order_id = std::move(order_id);
        // Syntax only, at the finest scale any asset has; the ledger applies the market's.
        const int finest_scale = markets.finest_scale();
        if (price) {
          auto p = positive_decimal("price", *price, finest_scale, INT64_MAX, 1);
          if (auto* f = std::get_if<parse_failure>(&p)) return std::move(*f);
          req.price = std::string(*price);
        }
        if (qty) {
          auto q = positive_decimal("qty", *qty, finest_scale, INT64_MAX, 1);
          if (auto* f = std::get_if<parse_failure>(&q)) return std::move(*f);
          req.qty = std::string(*qty);
        }
        return req;
      });
}

parsed<list_orders_query> parse_list_query(std::string_view user_id, std::string_view status,
                                           std::string_view symbol, std::string_view limit,
                                           std::string_view cursor, const market_catalog& markets) {
  list_orders_query q;
  auto user = normalize_uuid(user_id);
  if (!user) return bad("user_id must be a UUID");
  q.user_id = std::move(*user);
  if (status == "open") {
    q.status = order_filter::open;
  } else if (status == "closed") {
    q.status = order_filter::closed;
  } else if (status.empty() || status == "all") {
    q.status = order_filter::all;
  } else {
    return bad("status must be open, closed or all");
  }
  if (!symbol.empty()) {
    if (!markets.find_market(symbol)) return bad_symbol(symbol);
    q.symbol = std::string(symbol);
  }
  if (!limit.empty()) {
    int v = 0;
    auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), v);
    if (ec != std::errc{} || end != limit.data() + limit.size() || v < 1 || v > list_limit_max) {
      return bad("limit must be an integer 1.." + std::to_string(list_limit_max));
    }
    q.limit = v;
  } else {
    q.limit = list_limit_default;
  }
  if (cursor.size() > cursor_bytes_max || !printable_ascii(cursor)) return bad("bad cursor");
  q.cursor = std::string(cursor);
  return q;
}

parsed<int> parse_depth(std::string_view text) {
  if (text.empty()) return book_depth_default;
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 1 ||
      v > static_cast<int>(book_levels_max)) {
    return bad("depth must be an integer 1.." + std::to_string(book_levels_max));
  }
  return v;
}

}  // namespace mc::tradeledger
