// The one validator of ledger requests: strict parsing of JSON bodies and query values into
// typed requests, used by the gateway (public API) and TradeLedger's internal API alike, so
// both refuse the same input with the same API.md error code and bad input never reaches the
// ledger.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <optional>
#include <vector>

#include "engine/market_spec.h"
#include "tradeledger/api/limits.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

// A refused request: the HTTP status and API.md code to answer with.
struct parse_failure {
  int status = 400;
  std::string code = "BAD_REQUEST";
  std::string message;
};

template <class T>
using parsed = std::variant<T, parse_failure>;

// Limits of the edge checks (the engine enforces its own on top).
inline constexpr std::size_t idempotency_key_bytes_max = 255;
inline constexpr std::size_t client_order_id_bytes_max = 64;
inline constexpr std::size_t cursor_bytes_max = 256;
// list_limit_max, topup_whole_units_max and book_levels_max come from the core's config.
inline constexpr int list_limit_default = 50;
inline constexpr int book_depth_default = 20;

// Symbols and assets the edge validates against (the engine's configuration).
class market_catalog {
 public:
  explicit market_catalog(engine::engine_config config);
  const engine::market_spec* find_market(std::string_view symbol) const;
  const engine::asset_spec* find_asset(std::string_view code) const;
  const engine::asset_spec& asset(engine::asset_id id) const { return config_.assets[id]; }
  int finest_scale() const;  // the largest scale of any asset
  const engine::engine_config& config() const { return config_; }

 private:
  engine::engine_config config_;
};

// Idempotency-Key: 1..255 printable ASCII characters.
bool valid_idempotency_key(std::string_view key);

// The caller of a request: the gateway knows it from the access token (`user` set, and the
// body must not name one); TradeLedger's internal API reads "user_id" from the body.
using caller = std::optional<std::string>;

// Order body {"symbol","side","type","price"?,"qty","time_in_force"?,"post_only"?,
// "client_order_id"?} → request in minor units. `idempotency_key` is copied in; the caller
// has checked it.
parsed<place_order_request> parse_place_order(std::string_view body, std::string idempotency_key,
                                              const market_catalog& markets, caller user = {});

// Top-up body {"amount","currency"?} (currency defaults to USD).
parsed<topup_request> parse_topup(std::string_view body, std::string idempotency_key,
                                  const market_catalog& markets, caller user = {});

// Replace body {"price"?,"qty"?}: at least one, each a positive decimal. Their scale is the
// order's market's, which only the ledger knows, so they stay canonical decimal strings here.
parsed<replace_order_request> parse_replace(std::string_view body, std::string order_id,
                                            const market_catalog& markets, caller user = {});

// GET /orders query values.
parsed<list_orders_query> parse_list_query(std::string_view user_id, std::string_view status,
                                           std::string_view symbol, std::string_view limit,
                                           std::string_view cursor, const market_catalog& markets);

// "depth" query value: empty → default; 1..book_levels_max.
parsed<int> parse_depth(std::string_view text);

}  // namespace mc::tradeledger
