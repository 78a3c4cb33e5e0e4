// Decoding of orders and fills rows.
#include "tradeledger/core/row_codec.h"

#include <stdexcept>

namespace mc::tradeledger {

const char* intern_word(std::string_view text) {
  static constexpr const char* words[] = {
      "BUY",    "SELL",     "LIMIT",    "MARKET", "GTC",  "IOC", "FOK", "NEW", "PARTIALLY_FILLED",
      "FILLED", "CANCELED", "REJECTED", "MAKER",  "TAKER"};
  for (const char* w : words) {
    if (text == w) return w;
  }
  throw std::runtime_error("unexpected value in the ledger tables: " + std::string(text));
}

order_row decode_order(const pqxx::row& r) {
  order_row o;
  o.id = r[0].as<std::int64_t>();
  o.public_id = r[1].as<std::string>();
  o.user_id = r[2].as<std::int64_t>();
  o.symbol = r[3].as<std::string>();
  o.side = intern_word(r[4].c_str());
  o.type = intern_word(r[5].c_str());
  o.tif = intern_word(r[6].c_str());
  o.post_only = r[7].as<bool>();
  if (!r[8].is_null()) o.price = r[8].as<std::int64_t>();
  o.qty = r[9].as<std::int64_t>();
  o.filled_qty = r[10].as<std::int64_t>();
  o.filled_notional = r[11].as<std::int64_t>();
  o.fee_units = r[12].as<std::int64_t>();
  o.held = r[13].as<std::int64_t>();
  o.status = intern_word(r[14].c_str());
  o.reject_reason = r[15].as<std::string>();
  o.client_order_id = r[16].as<std::string>();
  o.created_us = r[17].as<std::int64_t>();
  o.updated_us = r[18].as<std::int64_t>();
  return o;
}

fill_row decode_fill(const pqxx::row& r) {
  fill_row f;
  f.trade_id = r[0].as<std::int64_t>();
  f.order_id = r[1].as<std::int64_t>();
  f.user_id = r[2].as<std::int64_t>();
  f.symbol = r[3].as<std::string>();
  f.side = intern_word(r[4].c_str());
  f.price = r[5].as<std::int64_t>();
  f.qty = r[6].as<std::int64_t>();
  f.fee = r[7].as<std::int64_t>();
  f.liquidity = intern_word(r[8].c_str());
  f.ts_us = r[9].as<std::int64_t>();
  return f;
}

}  // namespace mc::tradeledger
