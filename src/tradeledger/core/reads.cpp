// SQL of the read path. Orders are found through the user's UUID, so a foreign order id simply
// does not match (404, never 403).
#include "tradeledger/core/reads.h"

#include <algorithm>
#include <map>

#include "common/money/decimal.h"
#include "tradeledger/core/core_config.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/core/json_out.h"
#include "tradeledger/core/pg_array.h"
#include "tradeledger/core/position.h"
#include "tradeledger/core/render.h"
#include "tradeledger/core/row_codec.h"

namespace mc::tradeledger {

// Reads run outside a transaction block: under READ COMMITTED every statement takes its own
// snapshot whether or not it sits between BEGIN and COMMIT, so the block bought no
// consistency and cost two extra round trips per read.
//
// Each statement is prepared on its connection: after its first five calls PostgreSQL keeps a
// generic plan (when that costs no more than planning for the values) instead of planning
// every call, which was ~90 % of the server's time for these index lookups, with a size check
// of every table and index touched. libpqxx keeps the definitions and prepares them on first
// use, and again after a reconnect; naming one again with the same text is free.

namespace {

struct statement {
  const char* name;
  std::string sql;
};

template <class... Args>
pqxx::result exec_statement(pqxx::transaction_base& tx, const statement& st, Args&&... args) {
  tx.conn().prepare(st.name, st.sql);
  return tx.exec_prepared(st.name, std::forward<Args>(args)...);
}

const statement order_by_public_id{
    "read_order", std::string("SELECT ") + order_columns +
                      " FROM tradeledger.orders o JOIN tradeledger.users u ON u.id = o.user_id "
                      "WHERE o.public_id = $1::uuid AND u.external_id = $2::uuid"};

const statement status_of_order{
    "read_order_status",
    "SELECT o.status FROM tradeledger.orders o JOIN tradeledger.users u ON u.id = o.user_id "
    "WHERE o.public_id = $1::uuid AND u.external_id = $2::uuid"};

const statement orders_of_user{
    "read_orders",
    std::string("SELECT ") + order_columns +
        " FROM tradeledger.orders o JOIN tradeledger.users u ON u.id = o.user_id "
        "WHERE u.external_id = $1::uuid AND ($2 = '' OR o.symbol = $2) "
        "AND ($3 = 'all' OR ($3 = 'open') = (o.status IN ('NEW', 'PARTIALLY_FILLED'))) "
        "AND ($4::bigint = 0 OR o.id < $4::bigint) "
        "ORDER BY o.id DESC LIMIT $5::int"};

const statement fills_of_orders{
    "read_fills", std::string("SELECT ") + fill_columns +
                      " FROM tradeledger.fills f WHERE f.order_id = ANY($1::bigint[]) "
                      "ORDER BY f.order_id, f.trade_id"};

const statement balances_of_user{
    "read_balances",
    "SELECT a.asset, a.available, a.held FROM tradeledger.accounts a "
    "JOIN tradeledger.users u ON u.id = a.user_id WHERE u.external_id = $1::uuid"};

const statement positions_of_user{
    "read_positions",
    "SELECT p.symbol, p.qty, p.cost_basis, p.realized_pnl FROM tradeledger.positions p "
    "JOIN tradeledger.users u ON u.id = p.user_id WHERE u.external_id = $1::uuid "
    "ORDER BY p.symbol"};

// Fills of the given orders, grouped by order id, oldest first.
std::map<std::int64_t, std::vector<fill_row>> load_fills(pqxx::transaction_base& tx,
                                                         const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::vector<fill_row>> out;
  if (ids.empty()) return out;
  pg_array arr;
  for (auto id : ids) arr.add(id);
  for (const auto& r : exec_statement(tx, fills_of_orders, arr.str())) {
    fill_row f = decode_fill(r);
    out[f.order_id].push_back(std::move(f));
  }
  return out;
}

}  // namespace

command_result read_order(pqxx::connection& conn, const market_table& markets,
                          const std::string& user_id, const std::string& order_id) {
  const auto user = normalize_uuid(user_id);
  const auto order = normalize_uuid(order_id);
  if (!user || !order) return make_error(error_code::order_not_found, "order not found");
  pqxx::nontransaction tx(conn);  // see the note at the top
  const auto rows = exec_statement(tx, order_by_public_id, *order, *user);
  if (rows.empty()) return make_error(error_code::order_not_found, "order not found");
  const order_row o = decode_order(rows[0]);
  auto fills = load_fills(tx, {o.id});
  const symbol_info* s = markets.find(o.symbol);
  if (!s) return make_error(error_code::internal, "order of an unconfigured symbol");
  command_result r;
  json_out j(r.body);
  render_order(j, o, *user, fills[o.id], *s);
  return r;
}

std::string read_order_status(pqxx::connection& conn, const std::string& user_id,
                              const std::string& order_id) {
  const auto user = normalize_uuid(user_id);
  const auto order = normalize_uuid(order_id);
  if (!user || !order) return "";
  pqxx::nontransaction tx(conn);  // see the note at the top
  const auto rows = exec_statement(tx, status_of_order, *order, *user);
  return rows.empty() ? "" : rows[0][0].as<std::string>();
}

command_result read_orders(pqxx::connection& conn, const market_table& markets,
                           const list_orders_query& q) {
  const auto user = normalize_uuid(q.user_id);
  if (!user) return make_error(error_code::bad_request, "user_id must be a UUID");
  const std::string status = to_string(q.status);
  if (!q.symbol.empty() && !markets.find(q.symbol)) {
    return make_error(error_code::invalid_symbol, "unknown symbol: " + q.symbol);
  }
  if (q.limit < 1 || q.limit > list_limit_max) {
    return make_error(error_code::bad_request,
                      "limit must be 1.." + std::to_string(list_limit_max));
  }
  // The cursor is the sequence of the last order of the previous page; opaque to clients.
  std::int64_t cursor = 0;
  if (!q.cursor.empty()) {
    const bool digits =
        q.cursor.size() <= 18 &&
        std::all_of(q.cursor.begin(), q.cursor.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return make_error(error_code::bad_request, "malformed cursor");
    cursor = std::stoll(q.cursor);
  }

  pqxx::nontransaction tx(conn);  // see the note at the top
  const auto rows =
      exec_statement(tx, orders_of_user, *user, q.symbol, status, cursor, q.limit + 1);
  std::vector<order_row> orders;
  std::vector<std::int64_t> ids;
  for (const auto& r : rows) {
    if (orders.size() == static_cast<std::size_t>(q.limit)) break;
    orders.push_back(decode_order(r));
    ids.push_back(orders.back().id);
  }
  auto fills = load_fills(tx, ids);

  command_result out;
  json_out j(out.body);
  j.begin_object().key("orders").begin_array();
  for (const order_row& o : orders) {
    const symbol_info* s = markets.find(o.symbol);
    if (!s) continue;
    render_order(j, o, *user, fills[o.id], *s);
  }
  j.end_array().key("next_cursor");
  if (rows.size() > orders.size() && !orders.empty()) {
    j.str(std::to_string(orders.back().id));
  } else {
    j.null();
  }
  j.end_object();
  return out;
}

command_result read_portfolio(pqxx::connection& conn, const market_table& markets,
                              const std::string& user_id, const std::vector<std::int64_t>& marks) {
  const auto user = normalize_uuid(user_id);
  if (!user) return make_error(error_code::bad_request, "user_id must be a UUID");
  pqxx::nontransaction tx(conn);  // see the note at the top
  const auto balances = exec_statement(tx, balances_of_user, *user);
  const auto positions = exec_statement(tx, positions_of_user, *user);

  command_result out;
  json_out j(out.body);
  j.begin_object().key("balances").begin_array();
  for (const auto& a : markets.assets()) {
    std::int64_t available = 0, held = 0;
    for (const auto& r : balances) {
      if (r[0].as<std::string>() == a.code) {
        available = r[1].as<std::int64_t>();
        held = r[2].as<std::int64_t>();
      }
    }
    j.begin_object().field("currency", a.code);
    j.field("balance_available", money::format_decimal(available, a.scale));
    j.field("balance_hold", money::format_decimal(held, a.scale));
    j.field("balance_total", money::format_decimal(available + held, a.scale));
    j.end_object();
  }
  j.end_array().key("positions").begin_array();
  // P&L is reported in the quote currency; every configured market quotes the same one.
  const int pnl_scale = markets.symbols().empty() ? 2 : markets.symbols().front().quote_scale;
  std::int64_t realized = 0, unrealized = 0;
  for (const auto& r : positions) {
    const auto sym = markets.find_id(r[0].as<std::string>());
    if (!sym) continue;
    const symbol_info& s = markets.at(*sym);
    const position p{r[1].as<std::int64_t>(), r[2].as<std::int64_t>(), r[3].as<std::int64_t>()};
    const std::int64_t mark = *sym < marks.size() ? marks[*sym] : 0;
    const std::int64_t upnl = mark > 0 ? unrealized_pnl(p, mark, s.base_unit) : 0;
    realized += p.realized_pnl;
    unrealized += upnl;
    j.begin_object().field("symbol", s.name);
    j.field("qty", money::format_decimal(p.qty, s.base_scale));
    j.field("avg_price", money::format_decimal(average_price(p, s.base_unit), s.quote_scale));
    j.field("cost_basis", money::format_decimal(p.cost_basis, s.quote_scale));
    j.key("market_price");
    if (mark > 0) {
      j.str(money::format_decimal(mark, s.quote_scale));
    } else {
      j.null();
    }
    j.field("unrealized_pnl", money::format_decimal(upnl, s.quote_scale));
    j.field("realized_pnl", money::format_decimal(p.realized_pnl, s.quote_scale));
    j.end_object();
  }
  j.end_array().key("pnl").begin_object();
  j.field("realized", money::format_decimal(realized, pnl_scale));
  j.field("unrealized", money::format_decimal(unrealized, pnl_scale));
  j.field("total", money::format_decimal(realized + unrealized, pnl_scale));
  j.end_object().end_object();
  return out;
}

}  // namespace mc::tradeledger
