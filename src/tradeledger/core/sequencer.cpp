// Translation between the API and the engine, run on the engine thread: validation, and the
// mapping of engine events onto the parts that write the batch's rows and answers.
#include "tradeledger/core/sequencer.h"

#include <algorithm>
#include <cstdlib>
#include <exception>

#include "common/log/log.h"
#include "common/money/decimal.h"
#include "tradeledger/api/canonical.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/core/core_config.h"
#include "tradeledger/core/json_out.h"
#include "tradeledger/core/render.h"
#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {

namespace {

// Client order ids are echoed back verbatim; bound them like any other input.
constexpr std::size_t client_order_id_max = 64;

const char* wire_status(engine::order_status s) {
  switch (s) {
    case engine::order_status::open:
      return "NEW";
    case engine::order_status::partially_filled:
      return "PARTIALLY_FILLED";
    case engine::order_status::filled:
      return "FILLED";
    case engine::order_status::canceled:
      return "CANCELED";
  }
  return "NEW";
}

bool is_final(std::string_view status) {
  return status == "FILLED" || status == "CANCELED" || status == "REJECTED";
}

}  // namespace

sequencer::sequencer(engine::engine_config config, bool house_liquidity, sequencer_sources sources)
    : engine_(std::move(config)),
      markets_(engine_.config()),
      house_liquidity_(house_liquidity),
      house_user_(engine_.config().house_user),
      fee_user_(engine_.config().fee_user),
      sources_(with_defaults(std::move(sources))),
      ledger_(markets_, house_user_, fee_user_) {
  market_touched_.assign(engine_.config().markets.size(), false);
  events_.reserve(256);
}

// ---- recovery ----

void sequencer::restore_user(std::uint64_t id, const std::string& external_id) {
  users_.restore(id, external_id);
}

void sequencer::restore_external_balance(engine::asset_id asset, std::int64_t balance) {
  ledger_.restore_external_balance(asset, balance);
}

void sequencer::restore_open_order(order_row row) {
  orders_.open(std::move(row));
}

void sequencer::bound_idempotency(std::size_t window, idempotency_lookup lookup) {
  idempotency_ = idempotency_store(window, std::move(lookup));
}

void sequencer::restore_idempotency(std::uint64_t user, const std::string& key,
                                    idempotent_outcome outcome) {
  idempotency_.restore(user, key, std::move(outcome));
}

void sequencer::restore_position(std::uint64_t user, engine::symbol_id symbol, position p) {
  ledger_.restore_position(user, symbol, p);
}

void sequencer::restore_counters(std::int64_t next_journal_id, std::int64_t next_outbox_seq,
                                 std::uint64_t next_user_id) {
  ledger_.restore_next_transfer_id(next_journal_id);
  outbox_.restore_next_seq(next_outbox_seq);
  users_.restore_next_id(next_user_id);
}

void sequencer::restore_user_events(const std::string& user_uuid, std::int64_t count) {
  if (const auto user = users_.find(user_uuid)) outbox_.restore_user_events(*user, count);
}

// ---- batch ----

void sequencer::begin_batch(batch& out) {
  out_ = &out;
  out.first_new_order_id = static_cast<std::int64_t>(engine_.next_order_id());
  orders_.begin_batch(out);
  ledger_.begin_batch(out);
  outbox_.begin_batch(out);
  std::fill(market_touched_.begin(), market_touched_.end(), false);
}

void sequencer::end_batch() {
  std::vector<engine::depth_level> levels;
  for (std::size_t i = 0; i < markets_.symbols().size(); ++i) {
    const auto sym = static_cast<engine::symbol_id>(i);
    if (market_touched_[i]) {
      out_->markets.push_back(
          market_row{markets_.at(sym).name, engine_.reference_price(sym).value_or(0)});
    }
    auto snap = std::make_shared<book_snapshot>();
    snap->symbol = markets_.at(sym).name;
    for (engine::side s : {engine::side::buy, engine::side::sell}) {
      levels.clear();
      engine_.depth(sym, s, book_levels_max, levels);
      auto& dst = s == engine::side::buy ? snap->bids : snap->asks;
      for (const auto& l : levels) dst.emplace_back(l.price, l.qty);
    }
    out_->books.push_back(std::move(snap));
  }
  out_ = nullptr;
}

void sequencer::apply(const engine::command& cmd) {
  outbox_.begin_command(next_command_seq_);  // this command's events: one outbox table row
  events_.clear();
  engine_.apply(cmd, events_);
}

void sequencer::absorb(command_ctx& ctx) {
  auto touch = [&](engine::order_id id) {
    if (std::find(ctx.touched.begin(), ctx.touched.end(), id) == ctx.touched.end()) {
      ctx.touched.push_back(id);
    }
  };
  for (const engine::event& e : events_) {
    switch (e.type) {
      case engine::event_type::order_accepted: {
        order_row* o = orders_.find(e.accepted.order);
        if (!o) break;  // the house's own orders are not ledger orders
        o->held = e.accepted.hold;
        touch(e.accepted.order);
        break;
      }
      case engine::event_type::order_updated: {
        if (e.updated.user == house_user_) break;
        order_row* o = orders_.find(e.updated.order);
        if (!o) break;
        o->status = wire_status(e.updated.status);
        o->held = e.updated.hold;
        o->filled_qty = e.updated.filled;
        touch(e.updated.order);
        break;
      }
      case engine::event_type::trade:
        on_trade(e.trade, ctx);
        if (e.trade.maker_user != house_user_) touch(e.trade.maker_order);
        if (e.trade.taker_user != house_user_) touch(e.trade.taker_order);
        break;
      case engine::event_type::balance_changed:
        ledger_.put_account(e.balance.user, e.balance.asset, e.balance.available, e.balance.held);
        break;
      case engine::event_type::order_rejected:
      case engine::event_type::order_replaced:
        break;
    }
  }
}

void sequencer::on_trade(const engine::trade_event& t, command_ctx& ctx) {
  const symbol_info& s = markets_.at(t.symbol);
  const bool taker_buys = t.taker_side == engine::side::buy;
  const std::int64_t fee_b = taker_buys ? t.taker_fee : t.maker_fee;
  const std::int64_t fee_s = taker_buys ? t.maker_fee : t.taker_fee;

  ledger_.trade_transfers(t, ctx.ts_us);
  orders_.record_trade(t, s.name, house_user_, ctx.ts_us);

  const std::string trade_id = trade_uuid(t.trade);
  const std::string ts = format_rfc3339(ctx.ts_us);
  const std::string price = money::format_decimal(t.price, s.quote_scale);
  const std::string qty = money::format_decimal(t.qty, s.base_scale);
  outbox_.trade(s.name, trade_id, price, qty, taker_buys, ts);

  struct side_info {
    engine::order_id order;
    std::uint64_t user;
    bool taker;
  };
  for (const side_info& si : {side_info{t.maker_order, t.maker_user, false},
                              side_info{t.taker_order, t.taker_user, true}}) {
    if (si.user == house_user_) continue;
    order_row* found = orders_.find(si.order);
    if (!found) {
      log::error("trade for an unknown order", {{"order", std::to_string(si.order)}});
      std::abort();
    }
    order_row& o = *found;
    const bool buys = si.taker ? taker_buys : !taker_buys;
    const int bps = si.taker ? s.taker_fee_bps : s.maker_fee_bps;
    const std::int64_t fee = buys ? fee_b : fee_s;
    orders_.record_fill(o, t, bps);
    ledger_.position_fill(si.user, t.symbol, buys, t.qty, t.notional, fee);

    const std::string fee_text = money::format_decimal(fee, s.quote_scale);
    outbox_.fill(si.user, users_.uuid(si.user),
                 fill_event_fields{o.public_id, trade_id, s.name, buys ? "BUY" : "SELL", price, qty,
                                   fee_text, si.taker ? "TAKER" : "MAKER", ts});
  }
}

void sequencer::finish(command_ctx& ctx) {
  for (engine::order_id id : ctx.touched) {
    order_row* found = orders_.find(id);
    if (!found) continue;
    order_row& o = *found;
    o.updated_us = ctx.ts_us;
    const symbol_info& s = *markets_.find(o.symbol);
    const bool final = is_final(o.status);
#ifndef NDEBUG
    if (!final) {
      // The persisted fee units must rebuild the engine's hold exactly on restart.
      const auto live = engine_.find_order(id);
      if (!live || live->fee_units != o.fee_units || live->hold != o.held) {
        log::error("ledger order diverged from the engine", {{"order", std::to_string(id)}});
        std::abort();
      }
    }
#endif
    orders_.put(o);
    std::string answer = render_place_answer(o, s);
    const auto user = static_cast<std::uint64_t>(o.user_id);
    outbox_.order(user, users_.uuid(user), format_rfc3339(o.updated_us), answer);
    if (id == ctx.answer_order) ctx.answer = std::move(answer);
    if (final) orders_.close(id);
  }
}

// ---- commands ----

std::optional<command_result> sequencer::replay(const std::string& user_uuid,
                                                const std::string& key,
                                                const std::string& request_hash) const {
  const auto known = users_.find(user_uuid);
  if (!known) return std::nullopt;
  return idempotency_.replay(*known, key, request_hash);
}

std::variant<std::uint64_t, command_result> sequencer::admit(const std::string& user_id,
                                                             const std::string& key,
                                                             const std::string& request_hash) {
  const auto uuid = normalize_uuid(user_id);
  if (!uuid) return make_error(error_code::bad_request, "user_id must be a UUID");
  if (key.empty()) return make_error(error_code::bad_request, "an idempotency key is required");
  try {
    if (auto seen = replay(*uuid, key, request_hash)) return std::move(*seen);
  } catch (const std::exception& e) {
    // A key older than the memory window, and the database could not say how it was
    // answered: the command does not run (certainly not applied), and the client retries.
    log::warn("idempotency lookup failed", {{"error", e.what()}});
    return make_error(error_code::unavailable,
                      "the record of this idempotency key cannot be read now; retry");
  }
  return users_.ensure(*uuid, out_->users);
}

command_result sequencer::remember(std::uint64_t user, const std::string& key,
                                   const std::string& hash, command_result result) {
  return idempotency_.remember(user, key, hash, std::move(result), out_->idempotency);
}

command_result sequencer::place(const place_order_request& req) {
  const std::string hash = request_hash(req);
  auto admitted = admit(req.user_id, req.idempotency_key, hash);
  if (auto* answer = std::get_if<command_result>(&admitted)) return std::move(*answer);
  const std::uint64_t user = std::get<std::uint64_t>(admitted);
  auto fail = [&](error_code e, std::string message) {
    return remember(user, req.idempotency_key, hash, make_error(e, std::move(message)));
  };

  // The request was validated by the one validator (api/request_parser.h); what is left to
  // check here is what only the engine knows (funds, the book, the reference price).
  const auto sym = markets_.find_id(req.symbol);
  if (!sym) return fail(error_code::invalid_symbol, "unknown symbol: " + req.symbol);
  const symbol_info& s = markets_.at(*sym);
  const engine::side side = req.side == order_side::buy ? engine::side::buy : engine::side::sell;
  const bool market = req.type == order_type::market;
  const engine::order_type type = market ? engine::order_type::market : engine::order_type::limit;
  const engine::time_in_force tif = req.tif == time_in_force::fok   ? engine::time_in_force::fok
                                    : req.tif == time_in_force::ioc ? engine::time_in_force::ioc
                                    : market                        ? engine::time_in_force::ioc
                                                                    : engine::time_in_force::gtc;
  const std::int64_t price = market ? 0 : req.price;
  if (!market && price <= 0) return fail(error_code::bad_request, "price is required for LIMIT");
  if (req.qty <= 0) return fail(error_code::bad_request, "qty must be positive");
  if (req.client_order_id.size() > client_order_id_max) {
    return fail(error_code::bad_request, "client_order_id is too long");
  }

  command_ctx ctx;
  ctx.ts_us = sources_.now_us();
  order_row row;
  row.id = static_cast<std::int64_t>(engine_.next_order_id());
  row.public_id = sources_.order_uuid();
  row.user_id = static_cast<std::int64_t>(user);
  row.symbol = s.name;
  row.side = to_string(req.side);
  row.type = to_string(req.type);
  row.tif = tif == engine::time_in_force::gtc   ? "GTC"
            : tif == engine::time_in_force::ioc ? "IOC"
                                                : "FOK";
  row.post_only = req.post_only;
  if (!market) row.price = price;
  row.qty = req.qty;
  row.client_order_id = req.client_order_id;
  row.created_us = row.updated_us = ctx.ts_us;
  const auto id = static_cast<engine::order_id>(row.id);
  orders_.open(std::move(row));

  engine::place_order cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.id = id;
  cmd.symbol = *sym;
  cmd.side = side;
  cmd.type = type;
  cmd.tif = tif;
  cmd.post_only = req.post_only;
  cmd.price = price;
  cmd.qty = req.qty;
  apply(cmd);

  ctx.answer_order = id;
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    const engine::reject_reason reason = events_.front().rejected.reason;
    order_row& o = *orders_.find(id);
    switch (reason) {
      // Outcomes of the market state, not of the request: the order exists and ends at once.
      case engine::reject_reason::fok_cannot_fill:
        o.status = "CANCELED";
        o.reject_reason = engine::to_string(reason);
        break;
      case engine::reject_reason::post_only_would_take:
      case engine::reject_reason::no_reference_price:
        o.status = "REJECTED";
        o.reject_reason = engine::to_string(reason);
        break;
      default: {
        orders_.close(id);
        if (reason == engine::reject_reason::insufficient_funds) {
          return fail(error_code::insufficient_funds, "insufficient funds");
        }
        return fail(error_code::bad_request,
                    std::string("order refused: ") + engine::to_string(reason));
      }
    }
    // The engine did not take the id; move its counter past it so it is never reused.
    engine_.restore_counters(id + 1, engine_.next_trade_id());
    ctx.touched.push_back(id);
  } else {
    absorb(ctx);
  }
  finish(ctx);
  command_result r;
  r.status = 201;
  r.body = std::move(ctx.answer);
  // The order's row is the record of its key: what a replay answers is stored with it.
  orders_.attach_record(static_cast<std::int64_t>(id), req.idempotency_key, hash, r.body);
  return remember(user, req.idempotency_key, hash, std::move(r));
}

command_result sequencer::cancel(const cancel_order_request& req) {
  std::uint64_t user = 0;
  order_row* found = find_open_order(req.user_id, req.order_id, user);
  if (!found) return make_error(error_code::order_not_found, "order not found");
  const auto id = static_cast<engine::order_id>(found->id);
  command_ctx ctx;
  ctx.ts_us = sources_.now_us();
  engine::cancel_order cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.id = id;
  apply(cmd);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    return make_error(error_code::order_not_found, "order not found");
  }
  absorb(ctx);
  finish(ctx);
  command_result r;
  r.status = 200;  // the body (the order as committed) is read after the commit
  return r;
}

// nullptr when the user or the order is unknown, the order is finished, or it is another
// user's (all ORDER_NOT_FOUND).
order_row* sequencer::find_open_order(const std::string& user_id, const std::string& order_id,
                                      std::uint64_t& user) {
  const auto uuid = normalize_uuid(user_id);
  const auto order_uuid = normalize_uuid(order_id);
  if (!uuid || !order_uuid) return nullptr;
  const auto known = users_.find(*uuid);
  if (!known) return nullptr;
  order_row* o = orders_.find_public(*order_uuid);
  if (!o || o->user_id != static_cast<std::int64_t>(*known)) return nullptr;
  user = *known;
  return o;
}

command_result sequencer::replace(const replace_order_request& req) {
  std::uint64_t user = 0;
  order_row* found = find_open_order(req.user_id, req.order_id, user);
  if (!found) return make_error(error_code::order_not_found, "order not found");
  order_row& o = *found;
  if (std::string_view(o.type) != "LIMIT") {
    return make_error(error_code::order_not_cancelable, "only an open LIMIT order can be replaced");
  }
  const symbol_info& s = *markets_.find(o.symbol);
  const auto id = static_cast<engine::order_id>(o.id);
  const auto live = engine_.find_order(id);
  if (!live) return make_error(error_code::order_not_cancelable, "order is not open");
  std::int64_t new_price = live->price;
  if (req.price) {
    auto p = money::parse_decimal(*req.price, s.quote_scale);
    if (!p || *p <= 0) {
      return make_error(error_code::bad_request, "price must be a positive decimal with at most " +
                                                     std::to_string(s.quote_scale) + " decimals");
    }
    new_price = *p;
  }
  std::int64_t new_leaves = live->leaves;
  if (req.qty) {
    auto q = money::parse_decimal(*req.qty, s.base_scale);
    if (!q || *q <= 0) {
      return make_error(error_code::bad_request, "qty must be a positive decimal with at most " +
                                                     std::to_string(s.base_scale) + " decimals");
    }
    if (*q <= o.filled_qty) {
      return make_error(error_code::bad_request, "qty must exceed the quantity already filled");
    }
    new_leaves = *q - o.filled_qty;
  }

  command_ctx ctx;
  ctx.ts_us = sources_.now_us();
  engine::replace_order cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.id = id;
  cmd.new_price = new_price;
  cmd.new_qty = new_leaves;
  apply(cmd);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    const engine::reject_reason reason = events_.front().rejected.reason;
    if (reason == engine::reject_reason::insufficient_funds) {
      return make_error(error_code::insufficient_funds, "insufficient funds");
    }
    return make_error(error_code::bad_request,
                      std::string("replace refused: ") + engine::to_string(reason));
  }
  o.price = new_price;
  o.qty = o.filled_qty + new_leaves;
  ctx.touched.push_back(id);
  absorb(ctx);
  // An amend in place emits no order update; the engine's hold is the truth either way.
  if (auto after = engine_.find_order(id)) {
    if (order_row* still = orders_.find(id)) still->held = after->hold;
  }
  finish(ctx);
  command_result r;
  r.status = 200;  // the body (the order as committed) is read after the commit
  return r;
}

command_result sequencer::topup(const topup_request& req) {
  const std::string hash = request_hash(req);
  auto admitted = admit(req.user_id, req.idempotency_key, hash);
  if (auto* answer = std::get_if<command_result>(&admitted)) return std::move(*answer);
  const std::uint64_t user = std::get<std::uint64_t>(admitted);
  auto fail = [&](std::string message) {
    return remember(user, req.idempotency_key, hash,
                    make_error(error_code::bad_request, std::move(message)));
  };
  const std::string currency = req.currency.empty() ? "USD" : req.currency;
  const auto asset = markets_.find_asset(currency);
  if (!asset) return fail("unknown currency: " + currency);
  const int scale = markets_.assets()[*asset].scale;
  const std::int64_t amount = req.amount;
  if (amount <= 0) return fail("amount must be positive");
  if (static_cast<engine::int128_t>(amount) >
      static_cast<engine::int128_t>(topup_whole_units_max) * engine::pow10(scale)) {
    return fail("amount exceeds the top-up limit of " + std::to_string(topup_whole_units_max));
  }

  command_ctx ctx;
  ctx.ts_us = sources_.now_us();
  engine::top_up cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.asset = *asset;
  cmd.amount = amount;
  apply(cmd);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    return fail("the balance would exceed its limit");
  }
  absorb(ctx);

  command_result r;
  r.status = 200;
  json_out j(r.body);
  j.begin_object();
  j.field("balance", money::format_decimal(engine_.balance(user, *asset).available, scale));
  j.field("currency", currency);
  j.field("amount", money::format_decimal(amount, scale));
  j.end_object();
  // One transfer from the external funding account; it also records the key and the answer.
  ledger_.topup_transfer(*asset, user, amount, req.idempotency_key, hash, r.body, ctx.ts_us);
  return remember(user, req.idempotency_key, hash, std::move(r));
}

void sequencer::quote(engine::quote_tick tick) {
  tick.seq = next_command_seq_++;
  if (!house_liquidity_) tick.bid_qty = tick.ask_qty = 0;
  command_ctx ctx;
  ctx.ts_us = sources_.now_us();
  apply(tick);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    log::debug("quote tick refused",
               {{"reason", engine::to_string(events_.front().rejected.reason)}});
    return;
  }
  absorb(ctx);
  finish(ctx);
  if (tick.symbol < market_touched_.size()) market_touched_[tick.symbol] = true;
}

}  // namespace mc::tradeledger
