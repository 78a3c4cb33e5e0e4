#include "tradeledger/api/request_builder.h"

#include <boost/json.hpp>

#include <stdexcept>

namespace mc::tradeledger {

namespace {

template <class T>
T take(parsed<T> p) {
  if (auto* f = std::get_if<parse_failure>(&p)) {
    throw std::invalid_argument(f->code + ": " + f->message);
  }
  return std::move(std::get<T>(p));
}

}  // namespace

place_order_request order_from(const market_catalog& markets, const std::string& user_id,
                               const std::string& key, const std::string& symbol,
                               const std::string& side, const std::string& type,
                               const std::string& price, const std::string& qty,
                               const std::string& tif) {
  boost::json::object o{{"symbol", symbol}, {"side", side}, {"type", type}, {"qty", qty}};
  if (!price.empty()) o["price"] = price;
  if (!tif.empty()) o["time_in_force"] = tif;
  return take(parse_place_order(boost::json::serialize(o), key, markets, user_id));
}

topup_request topup_from(const market_catalog& markets, const std::string& user_id,
                         const std::string& key, const std::string& currency,
                         const std::string& amount) {
  boost::json::object o{{"amount", amount}, {"currency", currency}};
  return take(parse_topup(boost::json::serialize(o), key, markets, user_id));
}

const market_catalog& default_markets() {
  static const market_catalog markets(engine::default_config());
  return markets;
}

}  // namespace mc::tradeledger
