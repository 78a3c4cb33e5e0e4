// API.md spellings and HTTP statuses of the ledger's error codes: every edge (TradeLedger's
// internal API, the gateway, the remote client reading answers back) uses this one table.
#pragma once

#include <optional>
#include <string_view>

#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

// API.md code ("INSUFFICIENT_FUNDS") and HTTP status of an error; "" / 200 for none.
// outcome_unknown is SERVICE_UNAVAILABLE on the wire, like unavailable.
const char* api_code(error_code e);
int http_status(error_code e);
std::optional<error_code> parse_api_code(std::string_view code);

}  // namespace mc::tradeledger
