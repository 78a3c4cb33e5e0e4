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

// The volume-weighted average price of fills: filled_value (sum of price x qty) over
// filled_qty, rounded half up to the price's minor unit. 0 when nothing filled.
std::int64_t average_fill_price(engine::int128_t filled_value, std::int64_t filled_qty);

// The 201 answer of a placed order.
std::string render_place_answer(const order_row& o, const symbol_info& s);

// One order in the GET /api/orders/{id} shape (also list items and cancel answers).
void render_order(json_out& j, const order_row& o, std::string_view user_uuid,
                  const std::vector<fill_row>& fills, const symbol_info& s);

}  // namespace mc::tradeledger
