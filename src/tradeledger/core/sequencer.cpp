// Translation between the API and the engine, run on the engine thread: validation, user and
// order ids, idempotency, and the mapping of engine events onto ledger rows and answers.
#include "tradeledger/core/sequencer.h"

#include <algorithm>
#include <cstdlib>

#include "common/log/log.h"
#include "common/money/decimal.h"
#include "tradeledger/api/canonical.h"
#include "tradeledger/core/core_config.h"
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

std::string outcome_key(std::uint64_t user, const std::string& key) {
  std::string k = std::to_string(user);
  k += '/';
  k += key;
  return k;
}

// Parses a decimal that may carry more fraction digits than `scale` (quote feeds do), dropping
// the extra digits; `round_up` rounds a dropped non-zero remainder up instead of down.
std::optional<std::int64_t> parse_truncated(std::string_view text, int scale, bool round_up) {
  bool dropped_nonzero = false;
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > static_cast<std::size_t>(scale)) {
    const std::string_view extra = text.substr(dot + 1 + static_cast<std::size_t>(scale));
    dropped_nonzero = extra.find_first_not_of('0') != std::string_view::npos;
    text = text.substr(0, scale == 0 ? dot : dot + 1 + static_cast<std::size_t>(scale));
  }
  auto v = money::parse_decimal(text, scale);
  if (!v) return std::nullopt;
  return *v + (round_up && dropped_nonzero ? 1 : 0);
}

}  // namespace

sequencer::sequencer(engine::engine_config config, bool house_liquidity)
    : engine_(std::move(config)),
      markets_(engine_.config()),
      house_liquidity_(house_liquidity),
      house_user_(engine_.config().house_user),
      fee_user_(engine_.config().fee_user) {
  external_.assign(engine_.config().assets.size(), 0);
  market_touched_.assign(engine_.config().markets.size(), false);
  events_.reserve(256);
}

// ---- recovery ----

void sequencer::restore_user(std::uint64_t id, const std::string& external_id) {
  user_ids_[external_id] = id;
  user_uuids_[id] = external_id;
  next_user_id_ = std::max(next_user_id_, id + 1);
}

void sequencer::restore_external_balance(engine::asset_id asset, std::int64_t balance) {
  if (asset < external_.size()) external_[asset] = balance;
}

void sequencer::restore_open_order(order_row row) {
  public_ids_[row.public_id] = static_cast<engine::order_id>(row.id);
  orders_[static_cast<engine::order_id>(row.id)] = std::move(row);
}

void sequencer::restore_idempotency(std::uint64_t user, const std::string& key,
                                    idempotent_outcome outcome) {
  outcomes_[outcome_key(user, key)] = std::move(outcome);
}

void sequencer::restore_position(std::uint64_t user, engine::symbol_id symbol, position p) {
  positions_[user * 256 + symbol] = p;
}

void sequencer::restore_counters(std::int64_t next_journal_id, std::int64_t next_outbox_seq,
                                 std::uint64_t next_user_id) {
  next_journal_id_ = std::max(next_journal_id_, next_journal_id);
  next_outbox_seq_ = std::max(next_outbox_seq_, next_outbox_seq);
  next_user_id_ = std::max(next_user_id_, next_user_id);
}

// ---- helpers ----

std::optional<std::uint64_t> sequencer::find_user(const std::string& uuid) const {
  auto it = user_ids_.find(uuid);
  if (it == user_ids_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t sequencer::ensure_user(const std::string& uuid) {
  if (auto u = find_user(uuid)) return *u;
  const std::uint64_t id = next_user_id_++;
  user_ids_[uuid] = id;
  user_uuids_[id] = uuid;
  out_->users.push_back(user_row{static_cast<std::int64_t>(id), uuid});
  return id;
}

const std::string& sequencer::user_uuid(std::uint64_t user) const {
  static const std::string none;
  auto it = user_uuids_.find(user);
  return it == user_uuids_.end() ? none : it->second;
}

const idempotent_outcome* sequencer::find_outcome(std::uint64_t user,
                                                  const std::string& key) const {
  auto it = outcomes_.find(outcome_key(user, key));
  return it == outcomes_.end() ? nullptr : &it->second;
}

command_result sequencer::remember(std::uint64_t user, const std::string& key,
                                   const std::string& hash, command_result result) {
  idempotency_row row;
  row.user_id = static_cast<std::int64_t>(user);
  row.key = key;
  row.request_hash = hash;
  row.status = result.status;
  row.error_code = result.error == error_code::none ? "" : api_code(result.error);
  row.message = result.message;
  row.response = result.body;
  // Only a refusal has a row of its own; an accepted order's record is its order row, a
  // top-up's its transfer (set by place and topup).
  if (result.status >= 400) out_->idempotency.push_back(std::move(row));
  outcomes_[outcome_key(user, key)] = idempotent_outcome{hash, result};
  return result;
}

void sequencer::put_account(std::uint64_t user, engine::asset_id asset, std::int64_t available,
                            std::int64_t held) {
  const std::int64_t id = account_id(user, asset);
  auto [it, inserted] = account_index_.try_emplace(id, out_->accounts.size());
  if (inserted) {
    account_row row;
    row.id = id;
    row.kind = user == 0             ? "external"
               : user == house_user_ ? "house"
               : user == fee_user_   ? "fee"
                                     : "user";
    row.user_id = std::string_view(row.kind) == "user" ? static_cast<std::int64_t>(user) : 0;
    row.asset = markets_.assets()[asset].code;
    out_->accounts.push_back(std::move(row));
  }
  account_row& row = out_->accounts[it->second];
  row.available = available;
  row.held = held;
}

void sequencer::put_order(const order_row& row) {
  auto [it, inserted] = order_index_.try_emplace(row.id, out_->orders.size());
  if (inserted) {
    out_->orders.push_back(row);
  } else {
    // The latest state, keeping the idempotency record place() attached to the first row.
    order_row& dst = out_->orders[it->second];
    std::string key = std::move(dst.idempotency_key), hash = std::move(dst.request_hash),
                response = std::move(dst.response);
    dst = row;
    dst.idempotency_key = std::move(key);
    dst.request_hash = std::move(hash);
    dst.response = std::move(response);
  }
}

void sequencer::put_position(std::uint64_t user, engine::symbol_id symbol, const position& p) {
  const std::uint64_t key = user * 256 + symbol;
  auto [it, inserted] = position_index_.try_emplace(key, out_->positions.size());
  if (inserted) {
    out_->positions.push_back(
        position_row{static_cast<std::int64_t>(user), markets_.at(symbol).name, 0, 0, 0});
  }
  position_row& row = out_->positions[it->second];
  row.qty = p.qty;
  row.cost_basis = p.cost_basis;
  row.realized_pnl = p.realized_pnl;
}

std::size_t sequencer::transfer(engine::asset_id asset, std::uint64_t from, std::uint64_t to,
                                std::int64_t amount, std::int64_t trade, std::int64_t ts_us) {
  if (amount == 0 || from == to) return no_transfer;  // nothing moves
  if (amount < 0) {
    log::error("negative transfer", {{"trade", std::to_string(trade)}});
    std::abort();
  }
  transfer_row& t = out_->transfers.emplace_back();
  t.id = next_journal_id_++;
  t.debit_account = account_id(from, asset);
  t.credit_account = account_id(to, asset);
  t.asset = markets_.assets()[asset].code;
  t.amount = amount;
  t.trade_id = trade;
  t.ts_us = ts_us;
  return out_->transfers.size() - 1;
}

std::string& sequencer::outbox(std::string channel) {
  outbox_row& row = out_->outbox.emplace_back();
  row.seq = next_outbox_seq_++;
  row.command = next_command_seq_;  // one outbox table row per command
  row.channel = std::move(channel);
  row.payload.reserve(256);
  row.payload = "{\"seq\":";
  row.payload += std::to_string(row.seq);
  return row.payload;
}

// Events on orders:<user> also carry the user's own sequence number (1, 2, 3, ... with no
// holes), so a WebSocket client can tell that it missed one between two connections.
std::string& sequencer::user_event(std::uint64_t user) {
  std::string& payload = outbox("orders:" + user_uuid(user));
  payload += ",\"user_seq\":";
  payload += std::to_string(++user_events_[user]);
  return payload;
}

void sequencer::restore_user_events(const std::string& user_uuid, std::int64_t count) {
  if (const auto user = find_user(user_uuid)) user_events_[*user] = count;
}

// ---- batch ----

void sequencer::begin_batch(batch& out) {
  out_ = &out;
  out.first_new_order_id = static_cast<std::int64_t>(engine_.next_order_id());
  account_index_.clear();
  order_index_.clear();
  position_index_.clear();
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

void sequencer::apply(const engine::command& cmd, command_ctx& ctx) {
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
        auto it = orders_.find(e.accepted.order);
        if (it == orders_.end()) break;  // the house's own orders are not ledger orders
        it->second.held = e.accepted.hold;
        touch(e.accepted.order);
        break;
      }
      case engine::event_type::order_updated: {
        if (e.updated.user == house_user_) break;
        auto it = orders_.find(e.updated.order);
        if (it == orders_.end()) break;
        it->second.status = wire_status(e.updated.status);
        it->second.held = e.updated.hold;
        it->second.filled_qty = e.updated.filled;
        touch(e.updated.order);
        break;
      }
      case engine::event_type::trade:
        on_trade(e.trade, ctx);
        if (e.trade.maker_user != house_user_) touch(e.trade.maker_order);
        if (e.trade.taker_user != house_user_) touch(e.trade.taker_order);
        break;
      case engine::event_type::balance_changed:
        put_account(e.balance.user, e.balance.asset, e.balance.available, e.balance.held);
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
  const std::uint64_t buyer = taker_buys ? t.taker_user : t.maker_user;
  const std::uint64_t seller = taker_buys ? t.maker_user : t.taker_user;
  const std::int64_t fee_b = taker_buys ? t.taker_fee : t.maker_fee;
  const std::int64_t fee_s = taker_buys ? t.maker_fee : t.taker_fee;

  // The trade's transfers: the buyer pays the seller the notional, the seller delivers the
  // base, and each side pays its own fee to the fee account (double entry by construction).
  const auto trade = static_cast<std::int64_t>(t.trade);
  transfer(s.quote_asset, buyer, seller, t.notional, trade, ctx.ts_us);
  transfer(s.base_asset, seller, buyer, t.qty, trade, ctx.ts_us);
  transfer(s.quote_asset, buyer, fee_user_, fee_b, trade, ctx.ts_us);
  transfer(s.quote_asset, seller, fee_user_, fee_s, trade, ctx.ts_us);
  // One row per trade; each user side is a fill of its order (the `fills` view).
  trade_row& tr = out_->trades.emplace_back();
  tr.id = trade;
  tr.symbol = s.name;
  tr.price = t.price;
  tr.qty = t.qty;
  tr.taker_side = taker_buys ? "BUY" : "SELL";
  tr.maker_order_id = t.maker_user == house_user_ ? 0 : static_cast<std::int64_t>(t.maker_order);
  tr.taker_order_id = t.taker_user == house_user_ ? 0 : static_cast<std::int64_t>(t.taker_order);
  tr.maker_fee = t.maker_fee;
  tr.taker_fee = t.taker_fee;
  tr.ts_us = ctx.ts_us;

  const std::string trade_id = trade_uuid(t.trade);
  const std::string ts = format_rfc3339(ctx.ts_us);
  const std::string price = money::format_decimal(t.price, s.quote_scale);
  const std::string qty = money::format_decimal(t.qty, s.base_scale);
  {
    json_out j(outbox("trades:" + s.name), true);
    j.field("event", "trade").field("trade_id", trade_id).field("symbol", s.name);
    j.field("price", price).field("qty", qty);
    j.field("taker_side", taker_buys ? "BUY" : "SELL").field("ts", ts);
    outbox_row& row = out_->outbox.back();
    row.payload += '}';
  }

  struct side_info {
    engine::order_id order;
    std::uint64_t user;
    bool taker;
  };
  for (const side_info& si : {side_info{t.maker_order, t.maker_user, false},
                              side_info{t.taker_order, t.taker_user, true}}) {
    if (si.user == house_user_) continue;
    auto it = orders_.find(si.order);
    if (it == orders_.end()) {
      log::error("trade for an unknown order", {{"order", std::to_string(si.order)}});
      std::abort();
    }
    order_row& o = it->second;
    const bool buys = si.taker ? taker_buys : !taker_buys;
    const int bps = si.taker ? s.taker_fee_bps : s.maker_fee_bps;
    const std::int64_t fee = buys ? fee_b : fee_s;
    o.filled_qty += t.qty;
    o.filled_notional += t.notional;
    o.filled_value += static_cast<engine::int128_t>(t.price) * t.qty;
    o.fee_units += t.notional * bps;

    position& p = positions_[si.user * 256 + t.symbol];
    if (buys) {
      apply_buy(p, t.qty, t.notional, fee);
    } else {
      apply_sell(p, t.qty, t.notional, fee);
    }
    put_position(si.user, t.symbol, p);

    json_out j(user_event(si.user), true);
    j.field("event", "fill").field("order_id", o.public_id).field("trade_id", trade_id);
    j.field("symbol", s.name).field("side", buys ? "BUY" : "SELL");
    j.field("price", price).field("qty", qty);
    j.field("fee", money::format_decimal(fee, s.quote_scale));
    j.field("liquidity", si.taker ? "TAKER" : "MAKER").field("ts", ts);
    out_->outbox.back().payload += '}';
  }
}

void sequencer::finish(command_ctx& ctx) {
  for (engine::order_id id : ctx.touched) {
    auto it = orders_.find(id);
    if (it == orders_.end()) continue;
    order_row& o = it->second;
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
    put_order(o);
    std::string answer = render_place_answer(o, s);
    std::string& payload = user_event(static_cast<std::uint64_t>(o.user_id));
    payload += ",\"event\":\"order\",\"updated_at\":\"";
    payload += format_rfc3339(o.updated_us);
    payload += "\",\"order\":";
    payload += answer;
    payload += '}';
    if (id == ctx.answer_order) ctx.answer = std::move(answer);
    if (final) {
      public_ids_.erase(o.public_id);
      orders_.erase(it);
    }
  }
}

// ---- commands ----

// A key this user already used: the same request gets the stored answer, a different one
// IDEM_MISMATCH. nullopt when the key is new (or the user unknown), so the command runs.
std::optional<command_result> sequencer::replay(const std::string& user_uuid,
                                                const std::string& key,
                                                const std::string& request_hash) const {
  const auto known = find_user(user_uuid);
  if (!known) return std::nullopt;
  const auto* outcome = find_outcome(*known, key);
  if (!outcome) return std::nullopt;
  if (outcome->request_hash == request_hash) return outcome->result;
  return make_error(error_code::idem_mismatch, "idempotency key was used with a different request");
}

std::variant<std::uint64_t, command_result> sequencer::admit(const std::string& user_id,
                                                             const std::string& key,
                                                             const std::string& request_hash) {
  const auto uuid = normalize_uuid(user_id);
  if (!uuid) return make_error(error_code::bad_request, "user_id must be a UUID");
  if (key.empty()) return make_error(error_code::bad_request, "an idempotency key is required");
  if (auto seen = replay(*uuid, key, request_hash)) return std::move(*seen);
  return ensure_user(*uuid);
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
  const auto q = std::optional<std::int64_t>(req.qty);

  command_ctx ctx;
  ctx.ts_us = now_us();
  order_row row;
  row.id = static_cast<std::int64_t>(engine_.next_order_id());
  row.public_id = uuids_.next();
  row.user_id = static_cast<std::int64_t>(user);
  row.symbol = s.name;
  row.side = to_string(req.side);
  row.type = to_string(req.type);
  row.tif = tif == engine::time_in_force::gtc   ? "GTC"
            : tif == engine::time_in_force::ioc ? "IOC"
                                                : "FOK";
  row.post_only = req.post_only;
  if (!market) row.price = price;
  row.qty = *q;
  row.client_order_id = req.client_order_id;
  row.created_us = row.updated_us = ctx.ts_us;
  const auto id = static_cast<engine::order_id>(row.id);
  public_ids_[row.public_id] = id;
  orders_[id] = row;

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
  cmd.qty = *q;
  apply(cmd, ctx);

  ctx.answer_order = id;
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    const engine::reject_reason reason = events_.front().rejected.reason;
    order_row& o = orders_[id];
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
        public_ids_.erase(row.public_id);
        orders_.erase(id);
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
  auto stored = order_index_.find(static_cast<std::int64_t>(id));
  if (stored == order_index_.end()) {
    log::error("placed order has no row in its batch", {{"order", std::to_string(id)}});
    std::abort();
  }
  order_row& o = out_->orders[stored->second];
  o.idempotency_key = req.idempotency_key;
  o.request_hash = hash;
  o.response = r.body;
  return remember(user, req.idempotency_key, hash, std::move(r));
}

command_result sequencer::cancel(const cancel_order_request& req) {
  std::uint64_t user = 0;
  order_row* found = find_open_order(req.user_id, req.order_id, user);
  if (!found) return make_error(error_code::order_not_found, "order not found");
  const auto id = static_cast<engine::order_id>(found->id);
  command_ctx ctx;
  ctx.ts_us = now_us();
  engine::cancel_order cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.id = id;
  apply(cmd, ctx);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    return make_error(error_code::order_not_found, "order not found");
  }
  absorb(ctx);
  finish(ctx);
  command_result r;
  r.status = 200;  // the body (the order as committed) is read after the commit
  return r;
}

// Finds an open order of this user for a cancel or replace; nullptr when the user or the
// order is unknown, the order is finished, or it is another user's (all ORDER_NOT_FOUND).
order_row* sequencer::find_open_order(const std::string& user_id, const std::string& order_id,
                                      std::uint64_t& user) {
  const auto uuid = normalize_uuid(user_id);
  const auto order_uuid = normalize_uuid(order_id);
  if (!uuid || !order_uuid) return nullptr;
  const auto known = find_user(*uuid);
  if (!known) return nullptr;
  auto pit = public_ids_.find(*order_uuid);
  if (pit == public_ids_.end()) return nullptr;
  auto oit = orders_.find(pit->second);
  if (oit == orders_.end() || oit->second.user_id != static_cast<std::int64_t>(*known)) {
    return nullptr;
  }
  user = *known;
  return &oit->second;
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
  ctx.ts_us = now_us();
  engine::replace_order cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.id = id;
  cmd.new_price = new_price;
  cmd.new_qty = new_leaves;
  apply(cmd, ctx);
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
    auto it = orders_.find(id);
    if (it != orders_.end()) it->second.held = after->hold;
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
  const auto amount = std::optional<std::int64_t>(req.amount);
  if (*amount <= 0) return fail("amount must be positive");
  if (static_cast<engine::int128_t>(*amount) >
      static_cast<engine::int128_t>(topup_whole_units_max) * engine::pow10(scale)) {
    return fail("amount exceeds the top-up limit of " + std::to_string(topup_whole_units_max));
  }

  command_ctx ctx;
  ctx.ts_us = now_us();
  engine::top_up cmd;
  cmd.seq = next_command_seq_++;
  cmd.user = user;
  cmd.asset = *asset;
  cmd.amount = *amount;
  apply(cmd, ctx);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    return fail("the balance would exceed its limit");
  }
  absorb(ctx);

  // One transfer from the external funding account; it also records the key and the answer.
  const std::size_t funded = transfer(*asset, 0, user, *amount, 0, ctx.ts_us);
  external_[*asset] -= *amount;
  put_account(0, *asset, external_[*asset], 0);

  command_result r;
  r.status = 200;
  json_out j(r.body);
  j.begin_object();
  j.field("balance", money::format_decimal(engine_.balance(user, *asset).available, scale));
  j.field("currency", currency);
  j.field("amount", money::format_decimal(*amount, scale));
  j.end_object();
  transfer_row& t = out_->transfers.at(funded);
  t.topup_key = req.idempotency_key;
  t.request_hash = hash;
  t.response = r.body;
  return remember(user, req.idempotency_key, hash, std::move(r));
}

void sequencer::quote(engine::quote_tick tick) {
  tick.seq = next_command_seq_++;
  if (!house_liquidity_) tick.bid_qty = tick.ask_qty = 0;
  command_ctx ctx;
  ctx.ts_us = now_us();
  apply(tick, ctx);
  if (!events_.empty() && events_.front().type == engine::event_type::order_rejected) {
    log::debug("quote tick refused",
               {{"reason", engine::to_string(events_.front().rejected.reason)}});
    return;
  }
  absorb(ctx);
  finish(ctx);
  if (tick.symbol < market_touched_.size()) market_touched_[tick.symbol] = true;
}

std::optional<engine::quote_tick> sequencer::make_tick(std::string_view symbol,
                                                       std::string_view bid, std::string_view ask,
                                                       std::string_view bid_size,
                                                       std::string_view ask_size,
                                                       bool stale) const {
  const auto sym = markets_.find_id(symbol);
  if (!sym) return std::nullopt;
  const symbol_info& s = markets_.at(*sym);
  const engine::market_spec& m = engine_.config().markets[*sym];
  auto b = parse_truncated(bid, s.quote_scale, false);
  auto a = parse_truncated(ask, s.quote_scale, true);
  if (!b || !a) return std::nullopt;
  std::int64_t bp = *b - *b % m.price_tick;
  std::int64_t ap = *a + (m.price_tick - *a % m.price_tick) % m.price_tick;
  if (bp <= 0 || ap > m.max_price || bp >= ap) return std::nullopt;
  auto size = [&](std::string_view text) -> std::int64_t {
    if (stale || text.empty()) return 0;  // a stale quote moves the price but offers nothing
    auto v = parse_truncated(text, s.base_scale, false);
    if (!v) return 0;
    std::int64_t q = std::min(*v, m.max_qty);
    q -= q % m.lot;
    return q < m.min_qty ? 0 : q;
  };
  engine::quote_tick t;
  t.symbol = *sym;
  t.bid_price = bp;
  t.ask_price = ap;
  t.bid_qty = size(bid_size);
  t.ask_qty = size(ask_size);
  return t;
}

}  // namespace mc::tradeledger
