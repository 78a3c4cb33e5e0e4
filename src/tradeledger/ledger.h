// The TradeLedger boundary: what callers (the internal HTTP API, the monolith's in-process
// gateway wiring, tests) can ask of the ledger core. Values only — no HTTP, no SQL here.
// All money, prices and quantities are integers in minor units (see docs/ENGINE.md).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mc::tradeledger {

namespace net = boost::asio;

// Why a command was refused. Maps 1:1 onto the API.md error codes in the HTTP layer.
enum class error_code {
  none,
  bad_request,           // 400 BAD_REQUEST (bad qty/price step, overflow, ...)
  invalid_symbol,        // 400 INVALID_SYMBOL
  invalid_order_type,    // 400 INVALID_ORDER_TYPE
  insufficient_funds,    // 422 INSUFFICIENT_FUNDS
  idem_mismatch,         // 422 IDEM_MISMATCH
  order_not_found,       // 404 ORDER_NOT_FOUND (also another user's order)
  order_not_cancelable,  // 409 ORDER_NOT_CANCELABLE
  unavailable,           // 503 SERVICE_UNAVAILABLE (shutting down, queue full)
  internal,              // 500 INTERNAL_ERROR
};

// A completed money operation. `status` + `body` are the exact HTTP answer, so an
// idempotent replay returns byte-for-byte what the first call returned.
struct command_result {
  error_code error = error_code::none;
  std::string message;  // human-readable reason when error != none
  int status = 200;
  std::string body;  // JSON
};

struct place_order_request {
  std::string user_id;          // gateway user UUID
  std::string idempotency_key;  // required
  std::string request_hash;     // hash of the canonical request body (for IDEM_MISMATCH)
  std::string symbol;           // "BTC-USD"
  std::string side;             // "BUY" | "SELL"
  std::string type;             // "MARKET" | "LIMIT"
  std::string time_in_force;    // "GTC" | "IOC" | "FOK" ("" = default)
  bool post_only = false;
  std::string price;  // decimal string, "" for MARKET
  std::string qty;    // decimal string
  std::string client_order_id;
};

struct cancel_order_request {
  std::string user_id;
  std::string order_id;  // public UUID
};

struct topup_request {
  std::string user_id;
  std::string idempotency_key;
  std::string request_hash;
  std::string currency;  // "USD" default
  std::string amount;    // decimal string
};

struct list_orders_query {
  std::string user_id;
  std::string status = "all";  // open | closed | all
  std::string symbol;          // "" = every symbol
  int limit = 50;
  std::string cursor;  // opaque, from next_cursor
};

// The ledger core's interface. Writes resolve only after their batch is committed to
// PostgreSQL; reads see committed state. Every body is the JSON API.md describes.
class ledger {
 public:
  virtual ~ledger() = default;
  virtual net::awaitable<command_result> place_order(place_order_request req) = 0;
  virtual net::awaitable<command_result> cancel_order(cancel_order_request req) = 0;
  virtual net::awaitable<command_result> topup(topup_request req) = 0;
  virtual net::awaitable<command_result> get_order(std::string user_id, std::string order_id) = 0;
  virtual net::awaitable<command_result> list_orders(list_orders_query query) = 0;
  virtual net::awaitable<command_result> portfolio(std::string user_id) = 0;
  virtual net::awaitable<command_result> order_book(std::string symbol, int depth) = 0;
};
using ledger_ptr = std::unique_ptr<ledger>;

}  // namespace mc::tradeledger
