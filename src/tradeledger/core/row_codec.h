// Reading ledger rows back from PostgreSQL: the column list and decoder for orders and fills,
// shared by recovery and the read path so both see an order the same way.
#pragma once

#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

// Columns of `tradeledger.orders o` in the order decode_order expects.
inline constexpr const char* order_columns =
    "o.id, o.public_id::text, o.user_id, o.symbol, o.side, o.type, o.time_in_force, o.post_only, "
    "o.price, o.qty, o.filled_qty, o.filled_notional, o.fee_units, o.held, o.status, "
    "coalesce(o.reject_reason, ''), coalesce(o.client_order_id, ''), "
    "(extract(epoch FROM o.created_at) * 1000000)::bigint, "
    "(extract(epoch FROM o.updated_at) * 1000000)::bigint";

// Columns of `tradeledger.fills f` in the order decode_fill expects.
inline constexpr const char* fill_columns =
    "f.trade_id, f.order_id, f.user_id, f.symbol, f.side, f.price, f.qty, f.fee, f.liquidity, "
    "(extract(epoch FROM f.ts) * 1000000)::bigint";

// The row's enum-like texts mapped onto the static strings the rows use.
const char* intern_word(std::string_view text);

order_row decode_order(const pqxx::row& r);
fill_row decode_fill(const pqxx::row& r);

}  // namespace mc::tradeledger
