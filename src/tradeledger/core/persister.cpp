// The batch statements, all in ONE transaction per batch. Insert-only rows (users, journal
// entries, postings, orders created by this batch, fills, outbox, idempotency) travel by
// COPY ... FROM STDIN (pqxx::stream_to): no per-row statement, no array literals to build and
// parse, and the server's multi-row insert path. Rows that may already exist (accounts,
// positions, markets) are prepared upserts, and orders of earlier batches a prepared UPDATE;
// these take one array per column and unnest() them into rows.
#include "tradeledger/core/persister.h"

#include <cassert>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "tradeledger/core/pg_array.h"
#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {

// Per-statement timing (MC_TL_PERSIST_TIMING=1), over batches of at least 50 commands; the
// averages are printed when the persister is destroyed.
struct persist_timing {
  static constexpr int slots = 12;
  static constexpr const char* names[slots] = {"begin+users", "accounts",    "journal", "postings",
                                               "orders_new",  "orders_upd",  "fills",   "positions",
                                               "outbox",      "idempotency", "markets", "commit"};
  double ms[slots] = {};
  long long rows[slots] = {};
  long long commands = 0, batches = 0;
};

namespace {

// Nullable text for COPY: nullptr is written as \N.
const char* text_or_null(const std::string& v) {
  return v.empty() ? nullptr : v.c_str();
}

struct statement {
  const char* name;
  const char* sql;
};

constexpr statement statements[] = {
    {"tl_accounts",
     "INSERT INTO tradeledger.accounts (id, user_id, kind, asset, available, held) "
     "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], "
     "$6::bigint[]) "
     "ON CONFLICT (id) DO UPDATE SET available = EXCLUDED.available, held = EXCLUDED.held"},
    // Orders of earlier batches: their mutable columns. The caller checks the row count: an
    // order that should exist but does not is a divergence (fail-stop), never a silent insert.
    {"tl_orders_update",
     "UPDATE tradeledger.orders o SET filled_qty = u.fq, filled_notional = u.fn, "
     "fee_units = u.fu, held = u.h, status = u.st, reject_reason = u.rr, "
     "updated_at = timestamptz 'epoch' + u.ua * interval '1 microsecond' "
     "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], "
     "$6::text[], $7::text[], $8::bigint[]) AS u(id, fq, fn, fu, h, st, rr, ua) "
     "WHERE o.id = u.id"},
    {"tl_positions",
     "INSERT INTO tradeledger.positions (user_id, symbol, qty, cost_basis, realized_pnl) "
     "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) "
     "ON CONFLICT (user_id, symbol) DO UPDATE SET qty = EXCLUDED.qty, "
     "cost_basis = EXCLUDED.cost_basis, realized_pnl = EXCLUDED.realized_pnl, updated_at = now()"},
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
  if (const char* e = std::getenv("MC_TL_PERSIST_TIMING"); e != nullptr && *e == '1') {
    timing_ = std::make_unique<persist_timing>();
  }
}

persister::~persister() {
  if (timing_ != nullptr && timing_->batches > 0) {
    const auto n = static_cast<double>(timing_->batches);
    std::fprintf(stderr, "persister timing: %lld batches of %.1f commands; per batch:\n",
                 timing_->batches, static_cast<double>(timing_->commands) / n);
    for (int i = 0; i < persist_timing::slots; ++i) {
      std::fprintf(stderr, "  %-12s %7.3f ms %8.1f rows\n", persist_timing::names[i],
                   timing_->ms[i] / n, static_cast<double>(timing_->rows[i]) / n);
    }
  }
}

void persister::write(const batch& b) {
  if (!b.has_rows()) return;
  persist_timing* timing = b.results.size() >= 50 ? timing_.get() : nullptr;
  auto t = std::chrono::steady_clock::now();
  auto lap = [&](int slot, std::size_t rows) {
    if (timing == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    timing->ms[slot] += std::chrono::duration<double, std::milli>(now - t).count();
    timing->rows[slot] += static_cast<long long>(rows);
    t = now;
  };
  pqxx::work tx(*conn_);
  if (!b.users.empty()) {
    pqxx::stream_to s(tx, "tradeledger.users", std::vector<std::string>{"id", "external_id"});
    for (const auto& u : b.users) s << std::make_tuple(u.id, u.external_id.c_str());
    s.complete();
  }
  lap(0, b.users.size());
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
    tx.exec_prepared("tl_accounts", id.str(), user.str(), kind.str(), asset.str(), available.str(),
                     held.str());
  }
  lap(1, b.accounts.size());
  if (!b.journal.empty()) {
    pqxx::stream_to s(tx, "tradeledger.journal_entries",
                      std::vector<std::string>{"id", "kind", "ref", "created_at"});
    for (const auto& j : b.journal) {
      s << std::make_tuple(j.id, j.kind, j.ref.c_str(), format_rfc3339(j.ts_us));
    }
    s.complete();
  }
  lap(2, b.journal.size());
  if (!b.postings.empty()) {
    pqxx::stream_to s(tx, "tradeledger.postings",
                      std::vector<std::string>{"entry_id", "account_id", "asset", "amount"});
    for (const auto& p : b.postings) {
      s << std::make_tuple(p.entry_id, p.account_id, p.asset.c_str(), p.amount);
    }
    s.complete();
  }
  lap(3, b.postings.size());
  // Orders created by this batch are plain inserts (a duplicate id fails the batch); orders of
  // earlier batches are updated.
  std::size_t new_orders = 0;
  for (const auto& o : b.orders) new_orders += o.id >= b.first_new_order_id ? 1 : 0;
  if (new_orders != 0) {
    pqxx::stream_to s(
        tx, "tradeledger.orders",
        std::vector<std::string>{"id", "public_id", "user_id", "symbol", "side", "type",
                                 "time_in_force", "post_only", "price", "qty", "filled_qty",
                                 "filled_notional", "fee_units", "held", "status", "reject_reason",
                                 "client_order_id", "created_at", "updated_at"});
    std::string price;
    for (const auto& o : b.orders) {
      if (o.id < b.first_new_order_id) continue;
      if (o.price) price = std::to_string(*o.price);
      s << std::make_tuple(o.id, o.public_id.c_str(), o.user_id, o.symbol.c_str(), o.side, o.type,
                           o.tif, o.post_only ? "t" : "f", o.price ? price.c_str() : nullptr, o.qty,
                           o.filled_qty, o.filled_notional, o.fee_units, o.held, o.status,
                           text_or_null(o.reject_reason), text_or_null(o.client_order_id),
                           format_rfc3339(o.created_us), format_rfc3339(o.updated_us));
    }
    s.complete();
  }
  lap(4, new_orders);
  if (new_orders != b.orders.size()) {
    pg_array id, fq, fn, fu, held, st, rr, ua;
    for (const auto& o : b.orders) {
      if (o.id >= b.first_new_order_id) continue;
      id.add(o.id);
      fq.add(o.filled_qty);
      fn.add(o.filled_notional);
      fu.add(o.fee_units);
      held.add(o.held);
      st.add_text(o.status);
      rr.add_text_or_null(o.reject_reason);
      ua.add(o.updated_us);
    }
    const pqxx::result r = tx.exec_prepared("tl_orders_update", id.str(), fq.str(), fn.str(),
                                            fu.str(), held.str(), st.str(), rr.str(), ua.str());
    const std::size_t expected = b.orders.size() - new_orders;
    if (static_cast<std::size_t>(r.affected_rows()) != expected) {
      throw std::runtime_error("tradeledger: order update touched " +
                               std::to_string(r.affected_rows()) + " rows, expected " +
                               std::to_string(expected));
    }
  }
  lap(5, b.orders.size() - new_orders);
  if (!b.fills.empty()) {
    pqxx::stream_to s(tx, "tradeledger.fills",
                      std::vector<std::string>{"trade_id", "order_id", "user_id", "symbol", "side",
                                               "price", "qty", "fee", "liquidity", "ts"});
    for (const auto& f : b.fills) {
      s << std::make_tuple(f.trade_id, f.order_id, f.user_id, f.symbol.c_str(), f.side, f.price,
                           f.qty, f.fee, f.liquidity, format_rfc3339(f.ts_us));
    }
    s.complete();
  }
  lap(6, b.fills.size());
  if (!b.positions.empty()) {
    pg_array user, sym, qty, cost, realized;
    for (const auto& p : b.positions) {
      user.add(p.user_id);
      sym.add_text(p.symbol);
      qty.add(p.qty);
      cost.add(p.cost_basis);
      realized.add(p.realized_pnl);
    }
    tx.exec_prepared("tl_positions", user.str(), sym.str(), qty.str(), cost.str(), realized.str());
  }
  lap(7, b.positions.size());
  if (!b.outbox.empty()) {
    pqxx::stream_to s(tx, "tradeledger.outbox",
                      std::vector<std::string>{"seq", "channel", "payload"});
    for (const auto& o : b.outbox) {
      s << std::make_tuple(o.seq, o.channel.c_str(), o.payload.c_str());
    }
    s.complete();
  }
  lap(8, b.outbox.size());
  if (!b.idempotency.empty()) {
    pqxx::stream_to s(tx, "tradeledger.idempotency",
                      std::vector<std::string>{"user_id", "key", "request_hash", "status",
                                               "error_code", "message", "response"});
    for (const auto& i : b.idempotency) {
      s << std::make_tuple(i.user_id, i.key.c_str(), i.request_hash.c_str(), i.status,
                           i.error_code.c_str(), i.message.c_str(), i.response.c_str());
    }
    s.complete();
  }
  lap(9, b.idempotency.size());
  if (!b.markets.empty()) {
    pg_array sym, ref;
    for (const auto& m : b.markets) {
      sym.add_text(m.symbol);
      ref.add(m.reference_price);
    }
    tx.exec_prepared("tl_markets", sym.str(), ref.str());
  }
  lap(10, b.markets.size());
  tx.commit();
  lap(11, 0);
  if (timing != nullptr) {
    timing->commands += static_cast<long long>(b.results.size());
    ++timing->batches;
  }
}

}  // namespace mc::tradeledger
