// The TradeLedger boundary: what callers (the gateway, the internal HTTP API, the monolith,
// tests) can ask of the ledger. Typed values only — no HTTP, no SQL, no JSON in requests.
// Money, prices and quantities are integers in minor units (see docs/ENGINE.md); requests are
// built and checked by the one validator (api/request_parser.h) and hashed for idempotency by
// request_hash() (api/canonical.h). Two implementations: ledger_core (in process: the
// TradeLedger service and the monolith) and ledger_client (remote: the gateway).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mc::tradeledger {

namespace net = boost::asio;

// Why a call did not succeed. Maps 1:1 onto the API.md error codes (core/render.h api_code).
enum class error_code {
  none,
  bad_request,           // 400 BAD_REQUEST (bad qty/price step, overflow, ...)
  invalid_symbol,        // 400 INVALID_SYMBOL
  invalid_order_type,    // 400 INVALID_ORDER_TYPE
  insufficient_funds,    // 422 INSUFFICIENT_FUNDS
  idem_mismatch,         // 422 IDEM_MISMATCH
  order_not_found,       // 404 ORDER_NOT_FOUND (also another user's order)
  order_not_cancelable,  // 409 ORDER_NOT_CANCELABLE
  // 503: certainly NOT applied (shutting down, queue full, TradeLedger unreachable before the
  // request was sent, breaker open). Safe to retry with anything.
  unavailable,
  // 503: the request may or may not have been applied (the deadline passed or the connection
  // broke after it was sent). Retry with the same idempotency key to learn the outcome.
  outcome_unknown,
  internal,  // 500 INTERNAL_ERROR
};

// The answer of a call. For money commands `status` + `body` are TradeLedger's stored answer —
// the one durable record of the operation — so an idempotent replay returns it byte for byte
// and the gateway renders the public answer from it. Reads carry the JSON API.md describes.
struct command_result {
  error_code error = error_code::none;
  std::string message;  // human-readable reason when error != none
  int status = 200;
  std::string body;  // JSON
};

enum class order_side : std::uint8_t { buy, sell };
enum class order_type : std::uint8_t { market, limit };
enum class time_in_force : std::uint8_t { gtc, ioc, fok };

// Per call: when the caller stops waiting, and the request id that travels along for logs.
struct call_context {
  using clock = std::chrono::steady_clock;
  clock::time_point deadline = clock::time_point::max();
  std::string request_id;

  static call_context within(std::chrono::milliseconds budget, std::string request_id = {}) {
    return {clock::now() + budget, std::move(request_id)};
  }
  bool expired() const { return clock::now() >= deadline; }
};

struct place_order_request {
  std::string user_id;          // gateway user UUID (canonical lower-case)
  std::string idempotency_key;  // required
  std::string symbol;           // "BTC-USD"
  order_side side = order_side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;  // MARKET orders are always IOC or FOK
  bool post_only = false;
  std::int64_t price = 0;  // quote minor units per whole base unit; 0 for MARKET
  std::int64_t qty = 0;    // base minor units
  std::string client_order_id;
};

struct cancel_order_request {
  std::string user_id;
  std::string order_id;  // public UUID
};

// Replace an open LIMIT order's price and/or quantity (at least one set). The values are
// checked positive decimals; their scale is the order's market's, which only the ledger knows,
// so they travel as canonical decimal strings and the ledger converts them.
struct replace_order_request {
  std::string user_id;
  std::string order_id;
  std::optional<std::string> price;
  std::optional<std::string> qty;  // the new total quantity
};

struct topup_request {
  std::string user_id;
  std::string idempotency_key;
  std::string currency = "USD";
  std::int64_t amount = 0;  // minor units of `currency`
};

enum class order_filter : std::uint8_t { all, open, closed };

struct list_orders_query {
  std::string user_id;
  order_filter status = order_filter::all;
  std::string symbol;  // "" = every symbol
  int limit = 50;
  std::string cursor;  // opaque, from next_cursor
};

// The ledger's interface. Writes resolve only after their batch is committed to PostgreSQL;
// reads see committed state. Bodies are the JSON API.md describes.
class ledger {
 public:
  virtual ~ledger() = default;
  virtual net::awaitable<command_result> place_order(place_order_request req, call_context ctx) = 0;
  virtual net::awaitable<command_result> cancel_order(cancel_order_request req,
                                                      call_context ctx) = 0;
  virtual net::awaitable<command_result> replace_order(replace_order_request req,
                                                       call_context ctx) = 0;
  virtual net::awaitable<command_result> topup(topup_request req, call_context ctx) = 0;
  virtual net::awaitable<command_result> get_order(std::string user_id, std::string order_id,
                                                   call_context ctx) = 0;
  virtual net::awaitable<command_result> list_orders(list_orders_query query, call_context ctx) = 0;
  virtual net::awaitable<command_result> portfolio(std::string user_id, call_context ctx) = 0;
  virtual net::awaitable<command_result> order_book(std::string symbol, int depth,
                                                    call_context ctx) = 0;
};
using ledger_ptr = std::unique_ptr<ledger>;

// Wire spellings ("BUY", "LIMIT", "GTC", "open"), shared by every JSON edge.
const char* to_string(order_side s);
const char* to_string(order_type t);
const char* to_string(time_in_force t);
const char* to_string(order_filter f);

}  // namespace mc::tradeledger
