// Request validation for the internal API. Amounts are parsed exactly (no floating point) at
// the asset's scale; the canonical form hashed for idempotency is built from parsed values,
// so whitespace, field order and "0.010" vs "0.01" do not change the hash.
#include "tradeledger/service/request_parser.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <openssl/evp.h>

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

  std::optional<parse_failure> only(std::initializer_list<std::string_view> allowed) const {
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
parsed<R> read_object(std::string_view body, std::initializer_list<std::string_view> allowed,
                      F read) {
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

const engine::asset_spec* market_catalog::find_asset(std::string_view code) const {
  for (const auto& a : config_.assets) {
    if (a.code == code) return &a;
  }
  return nullptr;
}

bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= idempotency_key_bytes_max && printable_ascii(key);
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

parsed<place_order_request> parse_place_order(std::string_view body, std::string idempotency_key,
                                              const market_catalog& markets) {
  return read_object<place_order_request>(
      body,
      {"user_id", "symbol", "side", "type", "price", "qty", "time_in_force", "post_only",
       "client_order_id"},
      [&](const object_reader& in) -> parsed<place_order_request> {
        MC_TRY_STRING(user_id, in, "user_id", true);
        MC_TRY_STRING(symbol, in, "symbol", true);
        MC_TRY_STRING(side, in, "side", true);
        MC_TRY_STRING(type, in, "type", true);
        MC_TRY_STRING(qty, in, "qty", true);
        MC_TRY_STRING(price, in, "price", false);
        MC_TRY_STRING(tif, in, "time_in_force", false);
        MC_TRY_STRING(client_order_id, in, "client_order_id", false);

        place_order_request req;
        auto user = normalize_uuid(*user_id);
        if (!user) return bad("user_id must be a UUID");
        req.user_id = std::move(*user);
        const engine::market_spec* market = markets.find_market(*symbol);
        if (!market) return bad_symbol(*symbol);
        req.symbol = std::string(*symbol);
        if (*side != "BUY" && *side != "SELL") return bad("side must be BUY or SELL");
        req.side = std::string(*side);
        if (*type != "LIMIT" && *type != "MARKET") return bad_type("type must be MARKET or LIMIT");
        req.type = std::string(*type);
        const bool is_market = req.type == "MARKET";

        if (tif) {
          if (*tif != "GTC" && *tif != "IOC" && *tif != "FOK") {
            return bad_type("time_in_force must be GTC, IOC or FOK");
          }
          // A MARKET order never rests: GTC on it means "fill what you can now", i.e. IOC.
          req.time_in_force = is_market && *tif == "GTC" ? "IOC" : std::string(*tif);
        } else {
          req.time_in_force = is_market ? "IOC" : "GTC";
        }
        if (const json::value* po = in.find("post_only")) {
          if (!po->is_bool()) return bad("post_only must be a boolean");
          req.post_only = po->get_bool();
        }
        if (req.post_only && (is_market || req.time_in_force != "GTC")) {
          return bad_type("post_only needs a GTC LIMIT order");
        }

        const int base_scale = markets.asset(market->base).scale;
        const int quote_scale = markets.asset(market->quote).scale;
        auto q = positive_decimal("qty", *qty, base_scale, market->max_qty, market->lot);
        if (auto* f = std::get_if<parse_failure>(&q)) return std::move(*f);
        if (std::get<int64_t>(q) < market->min_qty) {
          return bad("qty is below the minimum " +
                     money::format_decimal_trimmed(market->min_qty, base_scale));
        }
        req.qty = money::format_decimal_trimmed(std::get<int64_t>(q), base_scale);
        int64_t price_minor = 0;
        if (is_market) {
          if (price) return bad("price is not allowed for a MARKET order");
        } else {
          if (!price) return bad("missing field: price (required for LIMIT)");
          auto p =
              positive_decimal("price", *price, quote_scale, market->max_price, market->price_tick);
          if (auto* f = std::get_if<parse_failure>(&p)) return std::move(*f);
          price_minor = std::get<int64_t>(p);
          req.price = money::format_decimal_trimmed(price_minor, quote_scale);
        }
        if (client_order_id) {
          if (client_order_id->size() > client_order_id_bytes_max ||
              !printable_ascii(*client_order_id)) {
            return bad("client_order_id must be at most 64 printable ASCII characters");
          }
          req.client_order_id = std::string(*client_order_id);
        }
        req.idempotency_key = std::move(idempotency_key);
        // user_id is not part of the hash: idempotency keys are already scoped per user.
        std::string canonical = "order/v1\n" + req.symbol + "\n" + req.side + "\n" + req.type +
                                "\n" + req.time_in_force + "\n" + (req.post_only ? "1" : "0") +
                                "\n" + std::to_string(price_minor) + "\n" +
                                std::to_string(std::get<int64_t>(q)) + "\n" + req.client_order_id;
        req.request_hash = sha256_hex(canonical);
        return req;
      });
}

parsed<topup_request> parse_topup(std::string_view body, std::string idempotency_key,
                                  const market_catalog& markets) {
  return read_object<topup_request>(
      body, {"user_id", "amount", "currency"},
      [&](const object_reader& in) -> parsed<topup_request> {
        MC_TRY_STRING(user_id, in, "user_id", true);
        MC_TRY_STRING(amount, in, "amount", true);
        MC_TRY_STRING(currency, in, "currency", false);

        topup_request req;
        auto user = normalize_uuid(*user_id);
        if (!user) return bad("user_id must be a UUID");
        req.user_id = std::move(*user);
        req.currency = currency ? std::string(*currency) : "USD";
        const engine::asset_spec* asset = markets.find_asset(req.currency);
        if (!asset) return bad("unknown currency: " + req.currency.substr(0, 16));
        const int64_t max_minor = topup_whole_units_max * engine::pow10(asset->scale);
        auto a = positive_decimal("amount", *amount, asset->scale, max_minor, 1);
        if (auto* f = std::get_if<parse_failure>(&a)) return std::move(*f);
        req.amount = money::format_decimal(std::get<int64_t>(a), asset->scale);
        req.idempotency_key = std::move(idempotency_key);
        req.request_hash =
            sha256_hex("topup/v1\n" + req.currency + "\n" + std::to_string(std::get<int64_t>(a)));
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
  if (!status.empty()) {
    if (status != "open" && status != "closed" && status != "all") {
      return bad("status must be open, closed or all");
    }
    q.status = std::string(status);
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
