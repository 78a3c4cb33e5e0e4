// Typed requests from wire spellings ("BUY", "50000.00"), through the one validator — for
// tests, tools and benchmarks that think in decimal strings. Throws std::invalid_argument
// with the validator's code and message when the request would be refused.
#pragma once

#include <string>

#include "tradeledger/api/ledger.h"
#include "tradeledger/api/request_parser.h"

namespace mc::tradeledger {

place_order_request order_from(const market_catalog& markets, const std::string& user_id,
                               const std::string& key, const std::string& symbol,
                               const std::string& side, const std::string& type,
                               const std::string& price, const std::string& qty,
                               const std::string& tif = "");

topup_request topup_from(const market_catalog& markets, const std::string& user_id,
                         const std::string& key, const std::string& currency,
                         const std::string& amount);

// The default markets (engine::default_config()).
const market_catalog& default_markets();

}  // namespace mc::tradeledger
