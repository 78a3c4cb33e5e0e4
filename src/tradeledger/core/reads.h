// The read side: committed state straight from PostgreSQL (run on the pg pool's threads, never
// on I/O threads). Each function returns the full API answer, errors included.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "tradeledger/core/markets.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

// GET /api/orders/{id}: another user's order is ORDER_NOT_FOUND.
command_result read_order(pqxx::connection& conn, const market_table& markets,
                          const std::string& user_id, const std::string& order_id);

// The status of a user's order, or "" when the user has no such order (cancel's 404 vs 409).
std::string read_order_status(pqxx::connection& conn, const std::string& user_id,
                              const std::string& order_id);

// GET /api/orders: newest first, keyset-paginated by the order's sequence.
command_result read_orders(pqxx::connection& conn, const market_table& markets,
                           const list_orders_query& query);

// GET /api/portfolio: balances of every asset, positions marked at `marks` (reference price
// per symbol, 0 = no quote yet), and total P&L in the quote currency.
command_result read_portfolio(pqxx::connection& conn, const market_table& markets,
                              const std::string& user_id, const std::vector<std::int64_t>& marks);

}  // namespace mc::tradeledger
