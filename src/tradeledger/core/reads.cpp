// SQL of the read path. Orders are found through the user's UUID, so a foreign order id simply
// does not match (404, never 403).
#include "tradeledger/core/reads.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "common/money/decimal.h"
#include "tradeledger/core/core_config.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/core/json_out.h"
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

// Each read is one statement: one round trip to PostgreSQL, and one snapshot, so an order's
// filled quantity always agrees with its fills, and balances with positions. An order comes
// back with its fills, one row per fill (the order's columns, then the fill's) or one row with
// NULL fill columns. The fills are looked up by the ids of the orders the statement has just
// read, as an InitPlan's array parameter: each branch of the `fills` view is then an index scan
// on trades' maker/taker order id, run once, whatever plan PostgreSQL keeps. Both sides are
// materialized, so joining them re-runs nothing (joined to the view directly, the kept plan
// re-scanned the fills once per order of a page).
std::string with_fills_of(const std::string& orders) {
  return std::string("WITH o AS MATERIALIZED (") + orders + "), f AS MATERIALIZED (SELECT " +
         fill_columns +
         " FROM tradeledger.fills f WHERE f.order_id = ANY(ARRAY(SELECT id FROM o))) "
         "SELECT o.*, f.* FROM o LEFT JOIN f ON f.order_id = o.id ";
}

const statement order_by_public_id{
    "read_order", with_fills_of(std::string("SELECT ") + order_columns +
                                " FROM tradeledger.orders o JOIN tradeledger.users u "
                                "ON u.id = o.user_id "
                                "WHERE o.public_id = $1::uuid AND u.external_id = $2::uuid") +
                      "ORDER BY f.trade_id"};

const statement status_of_order{
    "read_order_status",
    "SELECT o.status FROM tradeledger.orders o JOIN tradeledger.users u ON u.id = o.user_id "
    "WHERE o.public_id = $1::uuid AND u.external_id = $2::uuid"};

// A page walks an index of the user's orders by id, newest first, from the cursor and stops
// after the page: orders_user_created (user_id, id DESC), or for open orders the partial index
// orders_user_open, which holds open orders only (migration 004). For that, the user's id is
// a value (an InitPlan), not a join, the cursor a bound (`o.id < $3`), not an OR, and the
// status a literal condition of each statement, not a parameter: only then are they index
// conditions, and the partial index usable, in the plan PostgreSQL keeps. (Joined to users,
// with the cursor and status as ORs, the kept plan read and sorted every order of the user:
// 420 ms for a page of a user with 300,000 orders.)
std::string orders_page(const char* status_condition) {
  return with_fills_of(std::string("SELECT ") + order_columns +
                       " FROM tradeledger.orders o "
                       "WHERE o.user_id = (SELECT u.id FROM tradeledger.users u "
                       "WHERE u.external_id = $1::uuid) AND o.id < $3::bigint "
                       "AND ($2 = '' OR o.symbol = $2) " +
                       status_condition + "ORDER BY o.id DESC LIMIT $4::int") +
         "ORDER BY o.id DESC, f.trade_id";
}
const statement orders_of_user{"read_orders", orders_page("")};
const statement open_orders_of_user{"read_orders_open",
                                    orders_page("AND o.status IN ('NEW', 'PARTIALLY_FILLED') ")};
const statement closed_orders_of_user{
    "read_orders_closed", orders_page("AND o.status NOT IN ('NEW', 'PARTIALLY_FILLED') ")};

const statement& orders_statement(order_filter status) {
  switch (status) {
    case order_filter::open:
      return open_orders_of_user;
    case order_filter::closed:
      return closed_orders_of_user;
    case order_filter::all:
      break;
  }
  return orders_of_user;
}

// Balances ('B': asset, available, held) and positions ('P': symbol, qty, cost basis,
// realized P&L) in one result.
const statement portfolio_of_user{
    "read_portfolio",
    "SELECT 'B', a.asset, a.available, a.held, 0::bigint FROM tradeledger.accounts a "
    "JOIN tradeledger.users u ON u.id = a.user_id WHERE u.external_id = $1::uuid "
    "UNION ALL "
    "SELECT 'P', p.symbol, p.qty, p.cost_basis, p.realized_pnl FROM tradeledger.positions p "
    "JOIN tradeledger.users u ON u.id = p.user_id WHERE u.external_id = $1::uuid "
    "ORDER BY 1, 2"};

constexpr pqxx::row::size_type order_width = 19;  // the columns of order_columns
constexpr pqxx::row::size_type fill_width = 10;   // the columns of fill_columns

// Orders with their fills (oldest first) from rows of the statements above, in row order.
struct order_with_fills {
  order_row order;
  std::vector<fill_row> fills;
};
std::vector<order_with_fills> decode_orders_with_fills(const pqxx::result& rows) {
  if (rows.columns() != order_width + fill_width) {
    throw std::logic_error("read statement: order_width/fill_width do not match the columns");
  }
  std::vector<order_with_fills> out;
  for (const auto& r : rows) {
    const auto order_id = r[0].as<std::int64_t>();
    if (out.empty() || out.back().order.id != order_id) {
      out.push_back({decode_order(r.slice(0, order_width)), {}});
    }
    if (!r[order_width].is_null()) {
      out.back().fills.push_back(decode_fill(r.slice(order_width, order_width + fill_width)));
    }
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
  const auto found =
      decode_orders_with_fills(exec_statement(tx, order_by_public_id, *order, *user));
  if (found.empty()) return make_error(error_code::order_not_found, "order not found");
  const order_with_fills& o = found.front();
  const symbol_info* s = markets.find(o.order.symbol);
  if (!s) return make_error(error_code::internal, "order of an unconfigured symbol");
  command_result r;
  json_out j(r.body);
  render_order(j, o.order, *user, o.fills, *s);
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
  if (!q.symbol.empty() && !markets.find(q.symbol)) {
    return make_error(error_code::invalid_symbol, "unknown symbol: " + q.symbol);
  }
  if (q.limit < 1 || q.limit > list_limit_max) {
    return make_error(error_code::bad_request,
                      "limit must be 1.." + std::to_string(list_limit_max));
  }
  // The cursor is the sequence of the last order of the previous page; opaque to clients.
  // Without one (or "0"), the page starts below the largest sequence.
  std::int64_t cursor = std::numeric_limits<std::int64_t>::max();
  if (!q.cursor.empty()) {
    const bool digits =
        q.cursor.size() <= 18 &&
        std::all_of(q.cursor.begin(), q.cursor.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return make_error(error_code::bad_request, "malformed cursor");
    if (const std::int64_t after = std::stoll(q.cursor); after > 0) cursor = after;
  }

  pqxx::nontransaction tx(conn);  // see the note at the top
  // One order more than the page: whether there is a next page.
  const auto found = decode_orders_with_fills(
      exec_statement(tx, orders_statement(q.status), *user, q.symbol, cursor, q.limit + 1));
  const std::size_t page = std::min(found.size(), static_cast<std::size_t>(q.limit));

  command_result out;
  json_out j(out.body);
  j.begin_object().key("orders").begin_array();
  for (std::size_t i = 0; i < page; ++i) {
    const symbol_info* s = markets.find(found[i].order.symbol);
    if (!s) continue;
    render_order(j, found[i].order, *user, found[i].fills, *s);
  }
  j.end_array().key("next_cursor");
  if (found.size() > page && page > 0) {
    j.str(std::to_string(found[page - 1].order.id));
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
  std::vector<pqxx::row> balances, positions;
  for (const auto& r : exec_statement(tx, portfolio_of_user, *user)) {
    (r[0].as<std::string>() == "B" ? balances : positions).push_back(r.slice(1, r.size()));
  }

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
