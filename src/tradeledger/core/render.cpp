// Rendering of order answers and errors. Amounts use the asset's full scale ("0.01000000").
#include "tradeledger/core/render.h"

#include "common/money/decimal.h"
#include "engine/types.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {

command_result make_error(error_code e, std::string message) {
  command_result r;
  r.error = e;
  r.status = http_status(e);
  json_out j(r.body);
  j.begin_object().key("error").begin_object();
  j.field("code", api_code(e)).field("message", message);
  j.end_object().end_object();
  r.message = std::move(message);
  return r;
}

std::int64_t average_fill_price(engine::int128_t filled_value, std::int64_t filled_qty) {
  if (filled_qty <= 0 || filled_value <= 0) return 0;
  return static_cast<std::int64_t>((filled_value * 2 + filled_qty) / (2 * filled_qty));
}

std::string render_place_answer(const order_row& o, const symbol_info& s) {
  std::string body;
  body.reserve(320);
  json_out j(body);
  j.begin_object();
  j.field("order_id", o.public_id).field("status", o.status);
  j.field("filled_qty", money::format_decimal(o.filled_qty, s.base_scale));
  if (o.filled_qty > 0) {
    j.field("avg_fill_price",
            money::format_decimal(average_fill_price(o.filled_value, o.filled_qty), s.quote_scale));
  }
  j.field("symbol", o.symbol).field("side", o.side).field("type", o.type);
  j.key("price");
  if (o.price) {
    j.str(money::format_decimal(*o.price, s.quote_scale));
  } else {
    j.null();
  }
  j.field("qty", money::format_decimal(o.qty, s.base_scale));
  j.field("time_in_force", o.tif);
  j.field("created_at", format_rfc3339(o.created_us));
  if (!o.client_order_id.empty()) j.field("client_order_id", o.client_order_id);
  j.end_object();
  return body;
}

void render_order(json_out& j, const order_row& o, std::string_view user_uuid,
                  const std::vector<fill_row>& fills, const symbol_info& s) {
  j.begin_object();
  j.field("id", o.public_id).field("user_id", user_uuid).field("symbol", o.symbol);
  j.field("side", o.side).field("type", o.type);
  j.key("price");
  if (o.price) {
    j.str(money::format_decimal(*o.price, s.quote_scale));
  } else {
    j.null();
  }
  j.field("qty", money::format_decimal(o.qty, s.base_scale));
  j.field("filled_qty", money::format_decimal(o.filled_qty, s.base_scale));
  j.field("status", o.status);
  j.field("created_at", format_rfc3339(o.created_us));
  j.field("updated_at", format_rfc3339(o.updated_us));
  j.field("time_in_force", o.tif);
  j.key("post_only").boolean(o.post_only);
  j.key("avg_fill_price");
  if (o.filled_qty > 0) {
    engine::int128_t value = 0;
    std::int64_t qty = 0;
    for (const fill_row& f : fills) {
      value += static_cast<engine::int128_t>(f.price) * f.qty;
      qty += f.qty;
    }
    j.str(money::format_decimal(average_fill_price(value, qty), s.quote_scale));
  } else {
    j.null();
  }
  j.key("client_order_id");
  if (o.client_order_id.empty()) {
    j.null();
  } else {
    j.str(o.client_order_id);
  }
  if (!o.reject_reason.empty()) j.field("reject_reason", o.reject_reason);
  j.key("fills").begin_array();
  for (const fill_row& f : fills) {
    j.begin_object();
    j.field("trade_id", trade_uuid(static_cast<std::uint64_t>(f.trade_id)));
    j.field("price", money::format_decimal(f.price, s.quote_scale));
    j.field("qty", money::format_decimal(f.qty, s.base_scale));
    j.field("fee", money::format_decimal(f.fee, s.quote_scale));
    j.field("liquidity", f.liquidity);
    j.field("ts", format_rfc3339(f.ts_us));
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace mc::tradeledger
