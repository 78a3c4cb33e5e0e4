// Strict parsing of the internal API's JSON bodies and query values into ledger requests.
// Anything malformed is refused here with the API.md error code, so bad input never reaches
// the ledger. Each accepted request also gets the SHA-256 of its canonical form (idempotency).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/market_spec.h"
#include "tradeledger/core/core_config.h"
#include "tradeledger/core/ids.h"
#include "tradeledger/ledger.h"

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

 private:
  engine::engine_config config_;
};

// Idempotency-Key: 1..255 printable ASCII characters.
bool valid_idempotency_key(std::string_view key);

// Hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

// POST /orders body → request with canonical price/qty strings and request_hash set.
// `idempotency_key` is copied in; the caller has checked it.
parsed<place_order_request> parse_place_order(std::string_view body, std::string idempotency_key,
                                              const market_catalog& markets);

// POST /topups body → request (currency defaults to USD).
parsed<topup_request> parse_topup(std::string_view body, std::string idempotency_key,
                                  const market_catalog& markets);

// GET /orders query values.
parsed<list_orders_query> parse_list_query(std::string_view user_id, std::string_view status,
                                           std::string_view symbol, std::string_view limit,
                                           std::string_view cursor, const market_catalog& markets);

// "depth" query value: empty → default; 1..book_levels_max.
parsed<int> parse_depth(std::string_view text);

}  // namespace mc::tradeledger
