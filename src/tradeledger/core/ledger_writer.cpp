#include "tradeledger/core/ledger_writer.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "common/log/log.h"

namespace mc::tradeledger {

ledger_writer::ledger_writer(const market_table& markets, std::uint64_t house_user,
                             std::uint64_t fee_user)
    : markets_(markets), house_user_(house_user), fee_user_(fee_user) {
  external_.assign(markets_.assets().size(), 0);
}

void ledger_writer::restore_external_balance(engine::asset_id asset, std::int64_t balance) {
  if (asset < external_.size()) external_[asset] = balance;
}

void ledger_writer::restore_position(std::uint64_t user, engine::symbol_id symbol, position p) {
  positions_[user * 256 + symbol] = p;
}

void ledger_writer::restore_next_transfer_id(std::int64_t next_id) {
  next_transfer_id_ = std::max(next_transfer_id_, next_id);
}

void ledger_writer::begin_batch(batch& out) {
  out_ = &out;
  account_index_.clear();
  position_index_.clear();
}

void ledger_writer::put_account(std::uint64_t user, engine::asset_id asset, std::int64_t available,
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

transfer_row* ledger_writer::transfer(engine::asset_id asset, std::uint64_t from, std::uint64_t to,
                                      std::int64_t amount, std::int64_t trade, std::int64_t ts_us) {
  if (amount == 0 || from == to) return nullptr;  // nothing moves
  if (amount < 0) {
    log::error("negative transfer", {{"trade", std::to_string(trade)}});
    std::abort();
  }
  transfer_row& t = out_->transfers.emplace_back();
  t.id = next_transfer_id_++;
  t.debit_account = account_id(from, asset);
  t.credit_account = account_id(to, asset);
  t.asset = markets_.assets()[asset].code;
  t.amount = amount;
  t.trade_id = trade;
  t.ts_us = ts_us;
  return &t;
}

void ledger_writer::trade_transfers(const engine::trade_event& t, std::int64_t ts_us) {
  const symbol_info& s = markets_.at(t.symbol);
  const bool taker_buys = t.taker_side == engine::side::buy;
  const std::uint64_t buyer = taker_buys ? t.taker_user : t.maker_user;
  const std::uint64_t seller = taker_buys ? t.maker_user : t.taker_user;
  const std::int64_t fee_b = taker_buys ? t.taker_fee : t.maker_fee;
  const std::int64_t fee_s = taker_buys ? t.maker_fee : t.taker_fee;
  const auto trade = static_cast<std::int64_t>(t.trade);
  transfer(s.quote_asset, buyer, seller, t.notional, trade, ts_us);
  transfer(s.base_asset, seller, buyer, t.qty, trade, ts_us);
  transfer(s.quote_asset, buyer, fee_user_, fee_b, trade, ts_us);
  transfer(s.quote_asset, seller, fee_user_, fee_s, trade, ts_us);
}

void ledger_writer::topup_transfer(engine::asset_id asset, std::uint64_t user, std::int64_t amount,
                                   const std::string& key, const std::string& request_hash,
                                   const std::string& response, std::int64_t ts_us) {
  transfer_row* t = transfer(asset, 0, user, amount, 0, ts_us);
  if (t == nullptr) std::abort();  // cannot happen: amount > 0 and user 0 is no user
  t->topup_key = key;
  t->request_hash = request_hash;
  t->response = response;
  external_[asset] -= amount;
  put_account(0, asset, external_[asset], 0);
}

void ledger_writer::position_fill(std::uint64_t user, engine::symbol_id symbol, bool buys,
                                  std::int64_t qty, std::int64_t notional, std::int64_t fee) {
  const std::uint64_t key = user * 256 + symbol;
  position& p = positions_[key];
  if (buys) {
    apply_buy(p, qty, notional, fee);
  } else {
    apply_sell(p, qty, notional, fee);
  }
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

}  // namespace mc::tradeledger
