// JSON bodies of the ledger's answers (API.md shapes) and the error envelope. Pure functions
// over rows, shared by the engine thread (write answers, outbox payloads) and the read path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeledger/core/batch.h"
#include "tradeledger/core/json_out.h"
#include "tradeledger/core/markets.h"
#include "tradeledger/api/error_codes.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

// {"error":{"code":..,"message":..}} with the matching status.
command_result make_error(error_code e, std::string message);

// Floor of filled_notional per whole base unit; only meaningful when filled_qty > 0.
std::int64_t average_fill_price(std::int64_t filled_notional, std::int64_t filled_qty,
                                std::int64_t base_unit);

// The 201 answer of a placed order.
std::string render_place_answer(const order_row& o, const symbol_info& s);

// One order in the GET /api/orders/{id} shape (also list items and cancel answers).
void render_order(json_out& j, const order_row& o, std::string_view user_uuid,
                  const std::vector<fill_row>& fills, const symbol_info& s);

}  // namespace mc::tradeledger
