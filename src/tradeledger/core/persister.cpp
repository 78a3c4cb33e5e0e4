// The batch statements. Each takes one array per column; unnest() zips them into rows, so a
// batch of any size is the same ten statements. Timestamps travel as epoch microseconds.
#include "tradeledger/core/persister.h"

#include <cassert>

#include "tradeledger/core/pg_array.h"

namespace mc::tradeledger {

namespace {


struct statement {
  const char* name;
  const char* sql;
};

constexpr statement statements[] = {
    {"tl_users",
     "INSERT INTO tradeledger.users (id, external_id) "
     "SELECT * FROM unnest($1::bigint[], $2::uuid[])"},
    {"tl_accounts",
     "INSERT INTO tradeledger.accounts (id, user_id, kind, asset, available, held) "
     "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], "
     "$6::bigint[]) "
     "ON CONFLICT (id) DO UPDATE SET available = EXCLUDED.available, held = EXCLUDED.held"},
    {"tl_journal",
     "INSERT INTO tradeledger.journal_entries (id, kind, ref, created_at) "
     "SELECT i, k, r, timestamptz 'epoch' + t * interval '1 microsecond' "
     "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS u(i, k, r, t)"},
    {"tl_postings",
     "INSERT INTO tradeledger.postings (entry_id, account_id, asset, amount) "
     "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[])"},
    {"tl_orders",
     "INSERT INTO tradeledger.orders (id, public_id, user_id, symbol, side, type, time_in_force, "
     "post_only, price, qty, filled_qty, filled_notional, fee_units, held, status, reject_reason, "
     "client_order_id, created_at, updated_at) "
     "SELECT id, pid, uid, sym, sd, ty, tif, po, px, q, fq, fn, fu, h, st, rr, coid, "
     "timestamptz 'epoch' + ca * interval '1 microsecond', "
     "timestamptz 'epoch' + ua * interval '1 microsecond' "
     "FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], "
     "$7::text[], $8::boolean[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], "
     "$13::bigint[], $14::bigint[], $15::text[], $16::text[], $17::text[], $18::bigint[], "
     "$19::bigint[]) AS u(id, pid, uid, sym, sd, ty, tif, po, px, q, fq, fn, fu, h, st, rr, coid, "
     "ca, ua) "
     "ON CONFLICT (id) DO UPDATE SET filled_qty = EXCLUDED.filled_qty, "
     "filled_notional = EXCLUDED.filled_notional, fee_units = EXCLUDED.fee_units, "
     "held = EXCLUDED.held, status = EXCLUDED.status, reject_reason = EXCLUDED.reject_reason, "
     "updated_at = EXCLUDED.updated_at"},
    {"tl_fills",
     "INSERT INTO tradeledger.fills (trade_id, order_id, user_id, symbol, side, price, qty, fee, "
     "liquidity, ts) "
     "SELECT t, o, u, s, sd, p, q, f, l, timestamptz 'epoch' + ts * interval '1 microsecond' "
     "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], "
     "$7::bigint[], $8::bigint[], $9::text[], $10::bigint[]) AS x(t, o, u, s, sd, p, q, f, l, ts)"},
    {"tl_positions",
     "INSERT INTO tradeledger.positions (user_id, symbol, qty, cost_basis, realized_pnl) "
     "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) "
     "ON CONFLICT (user_id, symbol) DO UPDATE SET qty = EXCLUDED.qty, "
     "cost_basis = EXCLUDED.cost_basis, realized_pnl = EXCLUDED.realized_pnl, updated_at = now()"},
    {"tl_outbox",
     "INSERT INTO tradeledger.outbox (seq, channel, payload) "
     "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])"},
    {"tl_idempotency",
     "INSERT INTO tradeledger.idempotency (user_id, key, request_hash, status, error_code, "
     "message, response) "
     "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], "
     "$6::text[], $7::text[])"},
    {"tl_markets",
     "INSERT INTO tradeledger.markets (symbol, reference_price) "
     "SELECT * FROM unnest($1::text[], $2::bigint[]) "
     "ON CONFLICT (symbol) DO UPDATE SET reference_price = EXCLUDED.reference_price, "
     "updated_at = now()"},
};

}  // namespace

persister::persister(const std::string& postgres_url)
    : conn_(std::make_unique<pqxx::connection>(postgres_url)) {
  for (const statement& s : statements) conn_->prepare(s.name, s.sql);
}

void persister::write(const batch& b) {
  if (!b.has_rows()) return;
  pqxx::work tx(*conn_);
  if (!b.users.empty()) {
    pg_array id, ext;
    for (const auto& u : b.users) {
      id.add(u.id);
      ext.add_text(u.external_id);
    }
    tx.exec_prepared("tl_users", id.str(), ext.str());
  }
  if (!b.accounts.empty()) {
    pg_array id, user, kind, asset, available, held;
    for (const auto& a : b.accounts) {
      id.add(a.id);
      if (a.user_id == 0) {
        user.add_null();
      } else {
        user.add(a.user_id);
      }
      kind.add_text(a.kind);
      asset.add_text(a.asset);
      available.add(a.available);
      held.add(a.held);
    }
    tx.exec_prepared("tl_accounts", id.str(), user.str(), kind.str(), asset.str(),
                     available.str(), held.str());
  }
  if (!b.journal.empty()) {
    pg_array id, kind, ref, ts;
    for (const auto& j : b.journal) {
      id.add(j.id);
      kind.add_text(j.kind);
      ref.add_text(j.ref);
      ts.add(j.ts_us);
    }
    tx.exec_prepared("tl_journal", id.str(), kind.str(), ref.str(), ts.str());
  }
  if (!b.postings.empty()) {
    pg_array entry, account, asset, amount;
    for (const auto& p : b.postings) {
      entry.add(p.entry_id);
      account.add(p.account_id);
      asset.add_text(p.asset);
      amount.add(p.amount);
    }
    tx.exec_prepared("tl_postings", entry.str(), account.str(), asset.str(), amount.str());
  }
  if (!b.orders.empty()) {
    pg_array id, pid, uid, sym, side, type, tif, po, px, qty, fq, fn, fu, held, st, rr, coid, ca, ua;
    for (const auto& o : b.orders) {
      id.add(o.id);
      pid.add_text(o.public_id);
      uid.add(o.user_id);
      sym.add_text(o.symbol);
      side.add_text(o.side);
      type.add_text(o.type);
      tif.add_text(o.tif);
      po.add_bool(o.post_only);
      if (o.price) {
        px.add(*o.price);
      } else {
        px.add_null();
      }
      qty.add(o.qty);
      fq.add(o.filled_qty);
      fn.add(o.filled_notional);
      fu.add(o.fee_units);
      held.add(o.held);
      st.add_text(o.status);
      rr.add_text_or_null(o.reject_reason);
      coid.add_text_or_null(o.client_order_id);
      ca.add(o.created_us);
      ua.add(o.updated_us);
    }
    tx.exec_prepared("tl_orders", id.str(), pid.str(), uid.str(), sym.str(), side.str(),
                     type.str(), tif.str(), po.str(), px.str(), qty.str(), fq.str(), fn.str(),
                     fu.str(), held.str(), st.str(), rr.str(), coid.str(), ca.str(), ua.str());
  }
  if (!b.fills.empty()) {
    pg_array trade, order, user, sym, side, price, qty, fee, liq, ts;
    for (const auto& f : b.fills) {
      trade.add(f.trade_id);
      order.add(f.order_id);
      user.add(f.user_id);
      sym.add_text(f.symbol);
      side.add_text(f.side);
      price.add(f.price);
      qty.add(f.qty);
      fee.add(f.fee);
      liq.add_text(f.liquidity);
      ts.add(f.ts_us);
    }
    tx.exec_prepared("tl_fills", trade.str(), order.str(), user.str(), sym.str(), side.str(),
                     price.str(), qty.str(), fee.str(), liq.str(), ts.str());
  }
  if (!b.positions.empty()) {
    pg_array user, sym, qty, cost, realized;
    for (const auto& p : b.positions) {
      user.add(p.user_id);
      sym.add_text(p.symbol);
      qty.add(p.qty);
      cost.add(p.cost_basis);
      realized.add(p.realized_pnl);
    }
    tx.exec_prepared("tl_positions", user.str(), sym.str(), qty.str(), cost.str(),
                     realized.str());
  }
  if (!b.outbox.empty()) {
    pg_array seq, channel, payload;
    for (const auto& o : b.outbox) {
      seq.add(o.seq);
      channel.add_text(o.channel);
      payload.add_text(o.payload);
    }
    tx.exec_prepared("tl_outbox", seq.str(), channel.str(), payload.str());
  }
  if (!b.idempotency.empty()) {
    pg_array user, key, hash, status, code, message, response;
    for (const auto& i : b.idempotency) {
      user.add(i.user_id);
      key.add_text(i.key);
      hash.add_text(i.request_hash);
      status.add(i.status);
      code.add_text(i.error_code);
      message.add_text(i.message);
      response.add_text(i.response);
    }
    tx.exec_prepared("tl_idempotency", user.str(), key.str(), hash.str(), status.str(),
                     code.str(), message.str(), response.str());
  }
  if (!b.markets.empty()) {
    pg_array sym, ref;
    for (const auto& m : b.markets) {
      sym.add_text(m.symbol);
      ref.add(m.reference_price);
    }
    tx.exec_prepared("tl_markets", sym.str(), ref.str());
  }
  tx.commit();
}

}  // namespace mc::tradeledger
