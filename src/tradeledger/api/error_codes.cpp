// The one table from ledger error codes to API.md codes and HTTP statuses.
#include "tradeledger/api/error_codes.h"

namespace mc::tradeledger {

namespace {

struct code_entry {
  error_code code;
  const char* name;
  int status;
};

constexpr code_entry codes[] = {
    {error_code::none, "", 200},
    {error_code::bad_request, "BAD_REQUEST", 400},
    {error_code::invalid_symbol, "INVALID_SYMBOL", 400},
    {error_code::invalid_order_type, "INVALID_ORDER_TYPE", 400},
    {error_code::insufficient_funds, "INSUFFICIENT_FUNDS", 422},
    {error_code::idem_mismatch, "IDEM_MISMATCH", 422},
    {error_code::order_not_found, "ORDER_NOT_FOUND", 404},
    {error_code::order_not_cancelable, "ORDER_NOT_CANCELABLE", 409},
    {error_code::unavailable, "SERVICE_UNAVAILABLE", 503},
    {error_code::outcome_unknown, "SERVICE_UNAVAILABLE", 503},
    {error_code::internal, "INTERNAL_ERROR", 500},
};

}  // namespace

const char* api_code(error_code e) {
  for (const auto& c : codes) {
    if (c.code == e) return c.name;
  }
  return "INTERNAL_ERROR";
}

int http_status(error_code e) {
  for (const auto& c : codes) {
    if (c.code == e) return c.status;
  }
  return 500;
}

std::optional<error_code> parse_api_code(std::string_view code) {
  for (const auto& c : codes) {
    if (code == c.name) return c.code;
  }
  return std::nullopt;
}

}  // namespace mc::tradeledger
