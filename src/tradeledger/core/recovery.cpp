// Recovery reads everything in one REPEATABLE READ snapshot so the pieces agree with each other.
#include "tradeledger/core/recovery.h"

#include <unordered_map>

#include <stdexcept>

#include <pqxx/pqxx>

#include "tradeledger/core/idempotency_records.h"
#include "tradeledger/core/render.h"
#include "tradeledger/core/row_codec.h"

namespace mc::tradeledger {

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw std::runtime_error("tradeledger recovery: " + what);
}

}  // namespace

recovery_summary recover(const std::string& postgres_url, sequencer& seq) {
  pqxx::connection conn(postgres_url);
  pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::read_only> tx(conn);
  engine::matching_engine& eng = seq.engine();
  const market_table& markets = seq.markets();
  const engine::engine_config& cfg = eng.config();
  recovery_summary summary;

  for (const auto& r : tx.exec("SELECT id, external_id::text FROM tradeledger.users")) {
    seq.restore_user(r[0].as<std::uint64_t>(), r[1].as<std::string>());
    ++summary.users;
  }

  for (const auto& r : tx.exec("SELECT coalesce(user_id, 0), kind, asset, available, held "
                               "FROM tradeledger.accounts ORDER BY id")) {
    const std::string kind = r[1].as<std::string>();
    const auto asset = markets.find_asset(r[2].as<std::string>());
    if (!asset) refuse("unknown asset " + r[2].as<std::string>());
    const auto available = r[3].as<std::int64_t>();
    const auto held = r[4].as<std::int64_t>();
    engine::reject_reason rr = engine::reject_reason::none;
    if (kind == "external") {
      seq.restore_external_balance(*asset, available + held);
    } else if (kind == "house") {
      // House quotes are not persisted; a new tick re-creates them, so nothing stays held.
      rr = eng.restore_account(cfg.house_user, *asset, available + held, 0);
    } else if (kind == "fee") {
      rr = eng.restore_account(cfg.fee_user, *asset, available, held);
    } else {
      rr = eng.restore_account(r[0].as<std::uint64_t>(), *asset, available, held);
    }
    if (rr != engine::reject_reason::none) {
      refuse(std::string("cannot restore an account: ") + engine::to_string(rr));
    }
    ++summary.accounts;
  }

  // The exact fill value of partly filled orders, for their average fill price.
  std::unordered_map<std::int64_t, engine::int128_t> filled_values;
  for (const auto& r :
       tx.exec("SELECT o.id, sum(t.price::numeric * t.qty)::text FROM tradeledger.orders o "
               "JOIN tradeledger.trades t ON t.maker_order_id = o.id OR t.taker_order_id = o.id "
               "WHERE o.status = 'PARTIALLY_FILLED' GROUP BY o.id")) {
    engine::int128_t v = 0;
    for (char c : r[1].as<std::string>()) {
      if (c < '0' || c > '9') refuse("fill value is not a whole number");
      v = v * 10 + (c - '0');
    }
    filled_values[r[0].as<std::int64_t>()] = v;
  }

  // Oldest first: within a price level that is the original time priority.
  for (const auto& r : tx.exec(std::string("SELECT ") + order_columns +
                               " FROM tradeledger.orders o "
                               "WHERE o.status IN ('NEW', 'PARTIALLY_FILLED') ORDER BY o.id")) {
    order_row o = decode_order(r);
    if (auto fv = filled_values.find(o.id); fv != filled_values.end()) o.filled_value = fv->second;
    const auto sym = markets.find_id(o.symbol);
    if (!sym || !o.price) refuse("open order " + o.public_id + " is not a restorable limit order");
    engine::order_snapshot s;
    s.id = static_cast<engine::order_id>(o.id);
    s.user = static_cast<engine::user_id>(o.user_id);
    s.symbol = *sym;
    s.side = std::string_view(o.side) == "BUY" ? engine::side::buy : engine::side::sell;
    s.post_only = o.post_only;
    s.price = *o.price;
    s.leaves = o.qty - o.filled_qty;
    s.filled = o.filled_qty;
    s.fee_units = o.fee_units;
    if (auto rr = eng.restore_order(s); rr != engine::reject_reason::none) {
      refuse("cannot restore order " + o.public_id + ": " + engine::to_string(rr));
    }
    const auto live = eng.find_order(s.id);
    if (!live || live->hold != o.held) refuse("order " + o.public_id + " hold differs");
    seq.restore_open_order(std::move(o));
    ++summary.open_orders;
  }

  // The outbox's last event: the newest row's seq plus its other events.
  const auto counters = tx.exec1(
      "SELECT (SELECT coalesce(max(id), 0) FROM tradeledger.orders), "
      "(SELECT coalesce(max(id), 0) FROM tradeledger.trades), "
      "(SELECT coalesce(max(id), 0) FROM tradeledger.transfers), "
      "coalesce((SELECT seq + cardinality(channels) - 1 FROM tradeledger.outbox "
      "ORDER BY seq DESC LIMIT 1), 0), "
      "(SELECT coalesce(max(id), 0) FROM tradeledger.users)");
  eng.restore_counters(counters[0].as<std::uint64_t>() + 1, counters[1].as<std::uint64_t>() + 1);
  seq.restore_counters(counters[2].as<std::int64_t>() + 1, counters[3].as<std::int64_t>() + 1,
                       counters[4].as<std::uint64_t>() + 1);

  // Each order event carries its user's sequence number, one per row of orders:<user>.
  for (const auto& r :
       tx.exec("SELECT substr(c, 8), count(*) FROM tradeledger.outbox, unnest(channels) AS c "
               "WHERE c LIKE 'orders:%' GROUP BY c")) {
    seq.restore_user_events(r[0].as<std::string>(), r[1].as<std::int64_t>());
  }

  // Idempotent outcomes: accepted orders (their rows), top-ups (their transfers) and refusals.
  for_each_idempotent_outcome(tx,
                              [&](std::uint64_t user, std::string key, idempotent_outcome outcome) {
                                seq.restore_idempotency(user, key, std::move(outcome));
                                ++summary.idempotency_records;
                              });

  for (const auto& r : tx.exec("SELECT user_id, symbol, qty, cost_basis, realized_pnl "
                               "FROM tradeledger.positions")) {
    const auto sym = markets.find_id(r[1].as<std::string>());
    if (!sym) continue;  // a symbol no longer configured: nothing trades it any more
    seq.restore_position(
        r[0].as<std::uint64_t>(), *sym,
        position{r[2].as<std::int64_t>(), r[3].as<std::int64_t>(), r[4].as<std::int64_t>()});
  }

  summary.reference_prices.assign(markets.symbols().size(), 0);
  for (const auto& r : tx.exec("SELECT symbol, reference_price FROM tradeledger.markets")) {
    const auto sym = markets.find_id(r[0].as<std::string>());
    if (!sym) continue;
    const auto price = r[1].as<std::int64_t>();
    eng.restore_reference_price(*sym, price);
    summary.reference_prices[*sym] = price;
  }
  tx.commit();

  if (const auto a = eng.audit(); !a.ok) refuse("engine audit failed after restore: " + a.message);
  return summary;
}

}  // namespace mc::tradeledger
