// Names of the engine enums, for logs, JSON and test messages.
#include "engine/types.h"

namespace mc::engine {

const char* to_string(side s) {
  return s == side::buy ? "buy" : "sell";
}

const char* to_string(order_status s) {
  switch (s) {
    case order_status::open:
      return "open";
    case order_status::partially_filled:
      return "partially_filled";
    case order_status::filled:
      return "filled";
    case order_status::canceled:
      return "canceled";
  }
  return "?";
}

const char* to_string(end_reason r) {
  switch (r) {
    case end_reason::none:
      return "none";
    case end_reason::user_canceled:
      return "user_canceled";
    case end_reason::unfilled_ioc:
      return "unfilled_ioc";
    case end_reason::self_trade:
      return "self_trade";
    case end_reason::house_requote:
      return "house_requote";
    case end_reason::balance_overflow:
      return "balance_overflow";
  }
  return "?";
}

const char* to_string(reject_reason r) {
  switch (r) {
    case reject_reason::none:
      return "none";
    case reject_reason::unknown_symbol:
      return "unknown_symbol";
    case reject_reason::unknown_asset:
      return "unknown_asset";
    case reject_reason::bad_user:
      return "bad_user";
    case reject_reason::system_account:
      return "system_account";
    case reject_reason::bad_order:
      return "bad_order";
    case reject_reason::bad_qty:
      return "bad_qty";
    case reject_reason::bad_price:
      return "bad_price";
    case reject_reason::bad_amount:
      return "bad_amount";
    case reject_reason::duplicate_order_id:
      return "duplicate_order_id";
    case reject_reason::no_reference_price:
      return "no_reference_price";
    case reject_reason::insufficient_funds:
      return "insufficient_funds";
    case reject_reason::post_only_would_take:
      return "post_only_would_take";
    case reject_reason::fok_cannot_fill:
      return "fok_cannot_fill";
    case reject_reason::order_not_found:
      return "order_not_found";
    case reject_reason::not_owner:
      return "not_owner";
    case reject_reason::crossed_quote:
      return "crossed_quote";
    case reject_reason::overflow:
      return "overflow";
    case reject_reason::would_cross:
      return "would_cross";
  }
  return "?";
}

}  // namespace mc::engine
