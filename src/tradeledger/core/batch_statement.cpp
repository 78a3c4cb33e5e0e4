// Insert-only tables (users, transfers, new orders, trades, outbox, refusals) are plain INSERTs;
// accounts, positions and markets are upserts; orders of earlier batches are an UPDATE whose row
// count is checked. Foreign-key triggers fire at the end of the statement, so rows may reference
// rows inserted by a sibling CTE.
#include "tradeledger/core/batch_statement.h"

#include <initializer_list>

#include "tradeledger/core/pg_array.h"

namespace mc::tradeledger {

namespace {

// Numbers the statement's parameters as the SQL is written; values are added in the same
// order by batch_statement_params (PostgreSQL rejects any mismatch of types or count).
class param_counter {
 public:
  // "unnest($n::t1[], $n+1::t2[], ...)"
  std::string unnest(std::initializer_list<const char*> types) {
    std::string out = "unnest(";
    bool first = true;
    for (const char* t : types) {
      if (!first) out += ", ";
      first = false;
      out += '$' + std::to_string(next_++) + "::" + t + "[]";
    }
    return out + ")";
  }
  std::string scalar(const char* type) { return '$' + std::to_string(next_++) + "::" + type; }

 private:
  int next_ = 1;
};

// Microseconds since the epoch as timestamptz, exactly (no floating point).
std::string micros(const char* column) {
  return std::string("timestamptz 'epoch' + ") + column + " * interval '1 microsecond'";
}

}  // namespace

std::string batch_statement_sql() {
  param_counter p;
  std::string s = "WITH ";
  s += "users_in AS (INSERT INTO tradeledger.users (id, external_id) SELECT * FROM " +
       p.unnest({"bigint", "uuid"}) + "), ";
  s += "accounts_up AS (INSERT INTO tradeledger.accounts (id, user_id, kind, asset, available, "
       "held) SELECT * FROM " +
       p.unnest({"bigint", "bigint", "text", "text", "bigint", "bigint"}) +
       " ON CONFLICT (id) DO UPDATE SET available = EXCLUDED.available, held = EXCLUDED.held), ";
  s += "transfers_in AS (INSERT INTO tradeledger.transfers (id, debit_account, credit_account, "
       "asset, amount, trade_id, topup_key, request_hash, response, created_at) "
       "SELECT id, dr, cr, asset, amount, trade, tk, rh, resp, " +
       micros("us") + " FROM " +
       p.unnest({"bigint", "bigint", "bigint", "text", "bigint", "bigint", "text", "text", "text",
                 "bigint"}) +
       " AS t(id, dr, cr, asset, amount, trade, tk, rh, resp, us)), ";
  s += "orders_in AS (INSERT INTO tradeledger.orders (id, public_id, user_id, symbol, side, type, "
       "time_in_force, post_only, price, qty, filled_qty, filled_notional, fee_units, held, "
       "status, reject_reason, client_order_id, created_at, updated_at, idempotency_key, "
       "request_hash, response) "
       "SELECT id, public_id, user_id, symbol, side, type, tif, post_only, price, qty, fq, fn, "
       "fu, held, status, rr, coid, " +
       micros("cu") + ", " + micros("uu") + ", ik, rh, resp FROM " +
       p.unnest({"bigint", "uuid",   "bigint", "text",   "text",   "text",   "text", "boolean",
                 "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "text", "text",
                 "text",   "bigint", "bigint", "text",   "text",   "text"}) +
       " AS t(id, public_id, user_id, symbol, side, type, tif, post_only, price, qty, fq, fn, fu, "
       "held, status, rr, coid, cu, uu, ik, rh, resp)), ";
  // price and qty change only by a replace; written with the rest of the order's state.
  s += "orders_up AS (UPDATE tradeledger.orders o SET price = u.pr, qty = u.q, "
       "filled_qty = u.fq, filled_notional = u.fn, "
       "fee_units = u.fu, held = u.h, status = u.st, reject_reason = u.rr, updated_at = " +
       micros("u.ua") + " FROM " +
       p.unnest({"bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "text",
                 "text", "bigint"}) +
       " AS u(id, pr, q, fq, fn, fu, h, st, rr, ua) WHERE o.id = u.id RETURNING 1), ";
  s += "trades_in AS (INSERT INTO tradeledger.trades (id, symbol, price, qty, taker_side, "
       "maker_order_id, taker_order_id, maker_fee, taker_fee, ts) SELECT id, symbol, price, qty, "
       "ts_side, mo, tko, mf, tf, " +
       micros("us") + " FROM " +
       p.unnest({"bigint", "text", "bigint", "bigint", "text", "bigint", "bigint", "bigint",
                 "bigint", "bigint"}) +
       " AS t(id, symbol, price, qty, ts_side, mo, tko, mf, tf, us)), ";
  s += "positions_up AS (INSERT INTO tradeledger.positions (user_id, symbol, qty, cost_basis, "
       "realized_pnl) SELECT * FROM " +
       p.unnest({"bigint", "text", "bigint", "bigint", "bigint"}) +
       " ON CONFLICT (user_id, symbol) DO UPDATE SET qty = EXCLUDED.qty, "
       "cost_basis = EXCLUDED.cost_basis, realized_pnl = EXCLUDED.realized_pnl, "
       "updated_at = now()), ";
  // One row per command: its events (consecutive seqs) aggregated in seq order.
  s += "outbox_in AS (INSERT INTO tradeledger.outbox (seq, channels, payloads) "
       "SELECT min(seq), array_agg(channel ORDER BY seq), array_agg(payload ORDER BY seq) FROM " +
       p.unnest({"bigint", "text", "text", "bigint"}) +
       " AS t(seq, channel, payload, command) GROUP BY command), ";
  s += "idempotency_in AS (INSERT INTO tradeledger.idempotency (user_id, key, request_hash, "
       "status, error_code, message, response) SELECT * FROM " +
       p.unnest({"bigint", "text", "text", "integer", "text", "text", "text"}) + "), ";
  s += "markets_up AS (INSERT INTO tradeledger.markets (symbol, reference_price) SELECT * FROM " +
       p.unnest({"text", "bigint"}) +
       " ON CONFLICT (symbol) DO UPDATE SET reference_price = EXCLUDED.reference_price, "
       "updated_at = now()), ";
  // One parameter call per statement: the operands of + are evaluated in no fixed order.
  s += "batch_up AS (UPDATE tradeledger.persist_state SET last_batch = " + p.scalar("bigint");
  s += ", writer = " + p.scalar("text") + ") ";
  // Every order of an earlier batch must exist: a mismatch divides by zero, which aborts the
  // whole statement, so a diverged batch is never committed.
  s += "SELECT 1 / (count(*) = " + p.scalar("bigint") + ")::int FROM orders_up";
  return s;
}

// One array literal per column, in batch_sql's parameter order.
std::vector<std::string> batch_statement_params(const batch& b, std::int64_t number,
                                                const std::string& writer, bool with_insert_only) {
  static const batch no_rows;
  const batch& ins = with_insert_only ? b : no_rows;  // the insert-only tables' rows
  std::vector<std::string> out;
  out.reserve(80);
  auto emit = [&out](std::initializer_list<const pg_array*> columns) {
    for (const pg_array* c : columns) out.push_back(c->str());
  };
  {
    pg_array id, ext;
    for (const auto& u : b.users) {
      id.add(u.id);
      ext.add_text(u.external_id);
    }
    emit({&id, &ext});
  }
  {
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
    emit({&id, &user, &kind, &asset, &available, &held});
  }
  {
    pg_array id, dr, cr, asset, amount, trade, tk, rh, resp, us;
    for (const auto& t : ins.transfers) {
      id.add(t.id);
      dr.add(t.debit_account);
      cr.add(t.credit_account);
      asset.add_text(t.asset);
      amount.add(t.amount);
      if (t.trade_id != 0) {
        trade.add(t.trade_id);
        tk.add_null();
        rh.add_null();
        resp.add_null();
      } else {
        trade.add_null();
        tk.add_text(t.topup_key);
        rh.add_text(t.request_hash);
        resp.add_text(t.response);
      }
      us.add(t.ts_us);
    }
    emit({&id, &dr, &cr, &asset, &amount, &trade, &tk, &rh, &resp, &us});
  }
  // Orders created by this batch are inserted (a duplicate id fails the batch); orders of
  // earlier batches are updated.
  {
    pg_array id, pub, user, sym, side, type, tif, post, price, qty, fq, fn, fu, held, st, rr, coid,
        cu, uu, ik, rh, resp;
    for (const auto& o : ins.orders) {
      if (o.id < b.first_new_order_id) continue;
      id.add(o.id);
      pub.add_text(o.public_id);
      user.add(o.user_id);
      sym.add_text(o.symbol);
      side.add_text(o.side);
      type.add_text(o.type);
      tif.add_text(o.tif);
      post.add_bool(o.post_only);
      if (o.price) {
        price.add(*o.price);
      } else {
        price.add_null();
      }
      qty.add(o.qty);
      fq.add(o.filled_qty);
      fn.add(o.filled_notional);
      fu.add(o.fee_units);
      held.add(o.held);
      st.add_text(o.status);
      rr.add_text_or_null(o.reject_reason);
      coid.add_text_or_null(o.client_order_id);
      cu.add(o.created_us);
      uu.add(o.updated_us);
      ik.add_text(o.idempotency_key);
      rh.add_text(o.request_hash);
      resp.add_text(o.response);
    }
    emit({&id, &pub, &user, &sym, &side, &type, &tif, &post, &price, &qty, &fq,
          &fn, &fu,  &held, &st,  &rr,   &coid, &cu,  &uu,   &ik,    &rh,  &resp});
  }
  {
    pg_array id, pr, q, fq, fn, fu, held, st, rr, ua;
    for (const auto& o : b.orders) {
      if (o.id >= b.first_new_order_id) continue;
      id.add(o.id);
      if (o.price) {
        pr.add(*o.price);
      } else {
        pr.add_null();
      }
      q.add(o.qty);
      fq.add(o.filled_qty);
      fn.add(o.filled_notional);
      fu.add(o.fee_units);
      held.add(o.held);
      st.add_text(o.status);
      rr.add_text_or_null(o.reject_reason);
      ua.add(o.updated_us);
    }
    emit({&id, &pr, &q, &fq, &fn, &fu, &held, &st, &rr, &ua});
  }
  {
    pg_array id, sym, price, qty, side, maker, taker, mf, tf, us;
    for (const auto& t : ins.trades) {
      id.add(t.id);
      sym.add_text(t.symbol);
      price.add(t.price);
      qty.add(t.qty);
      side.add_text(t.taker_side);
      if (t.maker_order_id != 0) {
        maker.add(t.maker_order_id);
      } else {
        maker.add_null();
      }
      if (t.taker_order_id != 0) {
        taker.add(t.taker_order_id);
      } else {
        taker.add_null();
      }
      mf.add(t.maker_fee);
      tf.add(t.taker_fee);
      us.add(t.ts_us);
    }
    emit({&id, &sym, &price, &qty, &side, &maker, &taker, &mf, &tf, &us});
  }
  {
    pg_array user, sym, qty, cost, realized;
    for (const auto& p : b.positions) {
      user.add(p.user_id);
      sym.add_text(p.symbol);
      qty.add(p.qty);
      cost.add(p.cost_basis);
      realized.add(p.realized_pnl);
    }
    emit({&user, &sym, &qty, &cost, &realized});
  }
  {
    pg_array seq, channel, payload, command;
    for (const auto& o : ins.outbox) {
      seq.add(o.seq);
      channel.add_text(o.channel);
      payload.add_text(o.payload);
      command.add(static_cast<std::int64_t>(o.command));
    }
    emit({&seq, &channel, &payload, &command});
  }
  {
    pg_array user, key, hash, status, code, message, response;
    for (const auto& i : ins.idempotency) {
      user.add(i.user_id);
      key.add_text(i.key);
      hash.add_text(i.request_hash);
      status.add(i.status);
      code.add_text(i.error_code);
      message.add_text(i.message);
      response.add_text(i.response);
    }
    emit({&user, &key, &hash, &status, &code, &message, &response});
  }
  {
    pg_array sym, ref;
    for (const auto& m : b.markets) {
      sym.add_text(m.symbol);
      ref.add(m.reference_price);
    }
    emit({&sym, &ref});
  }
  out.push_back(std::to_string(number));
  out.push_back(writer);
  std::size_t existing = 0;
  for (const auto& o : b.orders) existing += o.id < b.first_new_order_id ? 1 : 0;
  out.push_back(std::to_string(existing));
  return out;
}

}  // namespace mc::tradeledger
