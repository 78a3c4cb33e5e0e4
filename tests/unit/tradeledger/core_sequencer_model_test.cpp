// Model-based fuzz test of the whole batch path: seeded random commands (places of every
// type, cancels, replaces, top-ups, quote ticks; bad ones, idempotent replays, mismatched
// replays) go through the sequencer in random-sized batches and through a plain reference
// ledger written from docs/ENGINE.md and docs/TRADELEDGER.md (maps, a linear-scan order book,
// the documented rounding rules). Nothing of the sequencer is called to compute expectations.
// After every command: the answer, and the rows it appended (trades, transfers, outbox events,
// refusals' idempotency rows, the idempotency records on order and top-up rows, users rows)
// against the model. After every batch: the deduplicated rows (accounts, orders, positions,
// markets) against the model, and the audit's invariants over rows + model (transfers
// positive between two accounts, balance = credits - debits, no negative user balance, held =
// what open orders hold).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "engine/market_spec.h"
#include "tradeledger/api/error_codes.h"
#include "tradeledger/core/sequencer.h"

namespace mc::tradeledger {
namespace {

using i64 = std::int64_t;
using i128 = engine::int128_t;

constexpr i64 bps_den = 10'000;
constexpr std::uint64_t fee_user = 2;

i64 ceil_div(i64 a) {
  return (a + bps_den - 1) / bps_den;
}  // fee units -> fee charged

// ---------------------------------------------------------------------------------------
// The reference ledger.

struct m_market {
  std::string name;
  int base = 0, quote = 0;  // asset ids
  i64 unit = 1;             // 10^base_scale
  int maker_bps = 0, taker_bps = 0, band_bps = 0;
  i64 ref = 0;
};

struct m_order {
  i64 id = 0;
  std::string pub;
  std::uint64_t user = 0;
  int sym = 0;
  bool buy = true;
  bool market = false;
  int tif = 0;  // 0 GTC, 1 IOC, 2 FOK
  bool post_only = false;
  i64 price = 0;  // the limit (band price for market orders)
  i64 qty = 0, filled = 0, notional = 0, fee_units = 0;
  std::string status = "NEW";
  std::string reject_reason;
  std::uint64_t prio = 0;
  i64 leaves() const { return qty - filled; }
};

struct m_fill {
  i64 order = 0;
  std::uint64_t user = 0;
  bool buy = true;
  i64 price = 0, qty = 0, fee = 0;
  bool taker = false;
};

struct m_position {
  i64 qty = 0, cost = 0, realized = 0;
};

struct expected {
  int status = 0;
  error_code error = error_code::none;
  std::string wire_status;  // of the 201 answer's order
  std::optional<std::string> replay_body;
  std::vector<m_fill> fills;  // in row order
  // per trade: {notional, qty, buyer fee, seller fee, buyer, seller, quote asset, base asset}
  std::vector<std::vector<i64>> trade_posts;
  int outbox = 0;
  int journal = 0;  // top-up transfers (a trade's come from trade_posts)
  int idempotency = 0;
  int users = 0;
};

class model {
 public:
  explicit model(const engine::engine_config& c) {
    for (const auto& m : c.markets) {
      m_market mm;
      mm.name = m.name;
      mm.base = m.base;
      mm.quote = m.quote;
      mm.unit = engine::pow10(c.assets[m.base].scale);
      mm.maker_bps = m.maker_fee_bps;
      mm.taker_bps = m.taker_fee_bps;
      mm.band_bps = m.band_bps;
      markets.push_back(mm);
    }
    for (const auto& a : c.assets) assets.push_back(a.code);
  }

  std::vector<m_market> markets;
  std::vector<std::string> assets;
  std::map<std::string, std::uint64_t> user_ids;
  std::uint64_t next_user = 1000;
  std::map<std::pair<std::uint64_t, int>, i64> total;  // (user, asset) -> available + held
  std::map<i64, m_order> open;                         // by engine id
  std::map<i64, m_order> touched;                      // latest state of orders changed this batch
  std::map<std::pair<std::uint64_t, int>, m_position> positions;
  std::set<std::pair<std::uint64_t, int>> positions_touched;
  std::set<int> markets_touched;
  std::map<std::pair<std::uint64_t, std::string>, std::pair<std::string, command_result>> idem;
  std::uint64_t prio = 0;
  int stp = 0;  // self-trade cancels seen

  int max_bps(const m_order& o) const {
    const m_market& m = markets[o.sym];
    if (o.post_only) return m.maker_bps;
    if (o.tif != 0 || o.market) return m.taker_bps;
    return std::max(m.maker_bps, m.taker_bps);
  }
  i64 hold_of(const m_order& o, i64 price, i64 leaves) const {
    if (!o.buy) return leaves;
    const i64 n = static_cast<i64>(static_cast<i128>(price) * leaves / markets[o.sym].unit);
    return n + ceil_div(o.fee_units + n * max_bps(o)) - ceil_div(o.fee_units);
  }
  i64 hold_of(const m_order& o) const { return hold_of(o, o.price, o.leaves()); }
  int hold_asset(const m_order& o) const {
    return o.buy ? markets[o.sym].quote : markets[o.sym].base;
  }
  i64 held(std::uint64_t user, int asset) const {
    i64 h = 0;
    for (const auto& [id, o] : open) {
      if (o.user == user && hold_asset(o) == asset) h += hold_of(o);
    }
    return h;
  }
  i64 available(std::uint64_t user, int asset) const {
    auto it = total.find({user, asset});
    return (it == total.end() ? 0 : it->second) - held(user, asset);
  }

  bool crosses(const m_order& maker, bool taker_buys, i64 limit) const {
    return taker_buys ? maker.price <= limit : maker.price >= limit;
  }
  // The best resting order opposite a taker (price, then time priority).
  m_order* best(int sym, bool taker_buys, i64 limit, i64 except) {
    m_order* b = nullptr;
    for (auto& [id, o] : open) {
      if (o.sym != sym || o.buy == taker_buys || id == except || !crosses(o, taker_buys, limit)) {
        continue;
      }
      if (!b || (taker_buys ? o.price < b->price : o.price > b->price) ||
          (o.price == b->price && o.prio < b->prio)) {
        b = &o;
      }
    }
    return b;
  }
  i64 fillable_from_others(const m_order& t) const {
    i64 q = 0;
    for (const auto& [id, o] : open) {
      if (o.sym == t.sym && o.buy != t.buy && o.user != t.user && crosses(o, t.buy, t.price)) {
        q += o.leaves();
      }
    }
    return q;
  }
  bool would_take(const m_order& t, i64 price) const {
    for (const auto& [id, o] : open) {
      if (o.sym == t.sym && o.buy != t.buy && crosses(o, t.buy, price)) return true;
    }
    return false;
  }

  void touch(const m_order& o) { touched[o.id] = o; }

  // Matches taker `t` (already in `open`) against the book: fills, STP, fees, money, positions.
  void match(m_order& t, expected& e, std::set<i64>& touched_ids) {
    const m_market& m = markets[t.sym];
    while (t.leaves() > 0) {
      m_order* mk = best(t.sym, t.buy, t.price, t.id);
      if (!mk) break;
      if (mk->user == t.user) {  // self-trade prevention: the resting order is canceled
        ++stp;
        mk->status = "CANCELED";
        touch(*mk);
        touched_ids.insert(mk->id);
        open.erase(mk->id);
        continue;
      }
      const i64 q = std::min(t.leaves(), mk->leaves());
      const i64 price = mk->price;
      const i64 n = static_cast<i64>(static_cast<i128>(price) * q / m.unit);
      const i64 fee_m = ceil_div(mk->fee_units + n * m.maker_bps) - ceil_div(mk->fee_units);
      const i64 fee_t = ceil_div(t.fee_units + n * m.taker_bps) - ceil_div(t.fee_units);
      mk->fee_units += n * m.maker_bps;
      t.fee_units += n * m.taker_bps;
      mk->filled += q;
      t.filled += q;
      mk->notional += n;
      t.notional += n;
      const m_order& buyer = t.buy ? t : *mk;
      const m_order& seller = t.buy ? *mk : t;
      const i64 fb = t.buy ? fee_t : fee_m;
      const i64 fs = t.buy ? fee_m : fee_t;
      total[{buyer.user, m.quote}] -= n + fb;
      total[{seller.user, m.quote}] += n - fs;
      total[{fee_user, m.quote}] += fb + fs;
      total[{buyer.user, m.base}] += q;
      total[{seller.user, m.base}] -= q;
      e.trade_posts.push_back({n, q, fb, fs, static_cast<i64>(buyer.user),
                               static_cast<i64>(seller.user), static_cast<i64>(m.quote),
                               static_cast<i64>(m.base)});
      e.fills.push_back(m_fill{mk->id, mk->user, !t.buy, price, q, fee_m, false});
      e.fills.push_back(m_fill{t.id, t.user, t.buy, price, q, fee_t, true});
      position_fill(mk->user, t.sym, !t.buy, q, n, fee_m);
      position_fill(t.user, t.sym, t.buy, q, n, fee_t);
      e.outbox += 3;  // the trade, and a fill event for each side
      touched_ids.insert(mk->id);
      if (mk->leaves() == 0)
        mk->status = "FILLED";
      else
        mk->status = "PARTIALLY_FILLED";
      touch(*mk);
      if (mk->leaves() == 0) open.erase(mk->id);
    }
  }

  void position_fill(std::uint64_t user, int sym, bool buys, i64 q, i64 n, i64 fee) {
    m_position& p = positions[{user, sym}];
    positions_touched.insert({user, sym});
    if (buys) {
      p.qty += q;
      p.cost += n + fee;
      return;
    }
    const i64 closed = std::min(q, p.qty);
    if (closed <= 0) return;
    const i64 cost_out =
        closed == p.qty ? p.cost : static_cast<i64>(static_cast<i128>(p.cost) * closed / p.qty);
    const i64 net = n - fee;
    const i64 proceeds = closed == q ? net : static_cast<i64>(static_cast<i128>(net) * closed / q);
    p.realized += proceeds - cost_out;
    p.qty -= closed;
    p.cost -= cost_out;
  }

  // Ends a taker's command: rests it or ends it.
  void settle_taker(m_order& t) {
    if (t.leaves() == 0) {
      t.status = "FILLED";
      open.erase(t.id);
    } else if (t.market || t.tif != 0) {
      t.status = "CANCELED";
      open.erase(t.id);
    } else {
      t.status = t.filled == 0 ? "NEW" : "PARTIALLY_FILLED";
      t.prio = ++prio;
      open[t.id] = t;
    }
    touch(t);
  }
};

// ---------------------------------------------------------------------------------------
// The driver.

struct place_spec {
  std::string user, key, symbol;
  bool buy = true, market = false, post_only = false;
  int tif = 0;
  i64 price = 0, qty = 0;
  std::string coid;
  auto tie() const { return std::tie(symbol, buy, market, post_only, tif, price, qty, coid); }
};

class model_test {
 public:
  // idempotency_window > 0: the sequencer keeps only that many answers in memory and reads
  // older keys from `committed_`, the records of the batches before (as from the database).
  explicit model_test(std::uint64_t seed, std::size_t idempotency_window = 0)
      : cfg_(engine::default_config()),
        rng_(seed),
        m_(cfg_),
        seq_(cfg_, false,
             sequencer_sources{[this] { return now_; },
                               [this] {
                                 char b[40];
                                 std::snprintf(b, sizeof b, "00000000-0000-7000-8000-%012llx",
                                               static_cast<unsigned long long>(++uuids_));
                                 return std::string(b);
                               }}) {
    for (int i = 0; i < 5; ++i) {
      char b[40];
      std::snprintf(b, sizeof b, "%08x-0000-4000-8000-%012d", 0xaaaa0000u + i, i);
      users_.push_back(b);
    }
    if (idempotency_window > 0) {
      seq_.bound_idempotency(
          idempotency_window, [this](std::uint64_t user, const std::string& key) {
            auto it = committed_.find({user, key});
            return it == committed_.end() ? std::optional<idempotent_outcome>{} : it->second;
          });
    }
  }

  std::string run(int batches) {
    for (int b = 0; b < batches && failure_.empty(); ++b) run_batch();
    return failure_;
  }
  int trades() const { return trades_; }
  // How often each kind of outcome happened (the test insists on every one).
  const std::map<std::string, int>& seen() const { return seen_; }
  int commands() const { return commands_; }
  int self_trades() const { return m_.stp; }
  std::uint64_t idempotency_lookups() const { return seq_.idempotency().lookups(); }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool chance(int pct) { return pick(100) < pct; }

  void fail(const std::string& what) {
    if (failure_.empty()) {
      failure_ = "batch " + std::to_string(batch_no_) + " command " + std::to_string(commands_) +
                 " (" + what_ + "): " + what;
    }
  }
  template <class A, class B>
  void eq(const A& got, const B& want, const std::string& what) {
    if (!(got == want)) {
      std::ostringstream s;
      s << what << ": got " << got << ", want " << want;
      fail(s.str());
    }
  }

  // ---- commands ----

  std::string key() {
    if (!used_keys_.empty() && chance(10)) return used_keys_[pick(used_keys_.size())].second;
    return "k" + std::to_string(++keys_);
  }
  const std::string& user() { return users_[pick(users_.size())]; }

  std::optional<expected> admit(const std::string& user, const std::string& key,
                                std::uint64_t& uid) {
    expected e;
    if (user.size() != 36) {
      e.status = 400;
      e.error = error_code::bad_request;
      return e;
    }
    if (key.empty()) {
      e.status = 400;
      e.error = error_code::bad_request;
      return e;
    }
    auto it = m_.user_ids.find(user);
    if (it != m_.user_ids.end()) {
      auto s = m_.idem.find({it->second, key});
      if (s != m_.idem.end()) {
        if (s->second.first == this_hash_) {
          e.status = s->second.second.status;
          e.error = s->second.second.error;
          e.replay_body = s->second.second.body;
        } else {
          e.status = 422;
          e.error = error_code::idem_mismatch;
        }
        return e;
      }
      uid = it->second;
      return std::nullopt;
    }
    uid = m_.next_user++;
    m_.user_ids[user] = uid;
    new_user_ = 1;
    return std::nullopt;
  }

  expected stored(int status, error_code err) {
    expected e;
    e.status = status;
    e.error = err;
    e.idempotency = 1;
    return e;
  }

  void do_place() {
    place_spec p;
    p.user = chance(2) ? "not-a-uuid" : user();
    p.key = chance(1) ? "" : key();
    p.symbol = chance(3) ? "DOGE-USD" : chance(85) ? "BTC-USD" : "ETH-USD";
    p.buy = chance(50);
    p.market = chance(15);
    p.tif = chance(70) ? 0 : chance(50) ? 1 : 2;
    p.post_only = !p.market && p.tif == 0 && chance(15);
    if (!p.market) p.price = 4'995'000 + pick(100) * 100;  // 49,950.00 .. 50,049.00
    if (chance(2)) p.price = p.market ? 0 : -1;
    p.qty = 100'000 + pick(3'000'000);  // 0.001 .. 0.031 BTC, any satoshi
    if (chance(2)) p.qty = 0;
    if (chance(5)) p.coid = "c" + std::to_string(pick(1000));
    // A replay of an earlier place with the same key: same request, or a changed one.
    if (!places_.empty() && chance(8)) {
      p = places_[pick(places_.size())];
      if (chance(40)) p.qty += 1;
    }
    what_ = "place " + p.key + " " + p.symbol + (p.buy ? " BUY" : " SELL") +
            (p.market ? " MARKET" : " LIMIT") + " tif" + std::to_string(p.tif) +
            (p.post_only ? " post" : "") + " " + std::to_string(p.price) + " x " +
            std::to_string(p.qty);
    std::ostringstream h;
    h << "P" << p.symbol << p.buy << p.market << p.post_only << p.tif << p.price << '/' << p.qty
      << '/' << p.coid;
    this_hash_ = h.str();

    place_order_request r;
    r.user_id = p.user;
    r.idempotency_key = p.key;
    r.symbol = p.symbol;
    r.side = p.buy ? order_side::buy : order_side::sell;
    r.type = p.market ? order_type::market : order_type::limit;
    r.tif = p.tif == 0 ? time_in_force::gtc : p.tif == 1 ? time_in_force::ioc : time_in_force::fok;
    r.post_only = p.post_only;
    r.price = p.price;
    r.qty = p.qty;
    r.client_order_id = p.coid;

    expected e = predict_place(p);
    const std::string pub = predicted_pub_;
    const command_result got = apply_and_check(e, [&] { return seq_.place(r); });
    if (e.idempotency) {
      m_.idem[{m_.user_ids[p.user], p.key}] = {this_hash_, got};
      places_.push_back(p);
      used_keys_.emplace_back(p.user, p.key);
    }
    (void)pub;
  }

  expected predict_place(const place_spec& p) {
    predicted_pub_.clear();
    std::uint64_t uid = 0;
    if (auto e = admit(p.user, p.key, uid)) return *e;
    int sym = -1;
    for (std::size_t i = 0; i < m_.markets.size(); ++i) {
      if (m_.markets[i].name == p.symbol) sym = static_cast<int>(i);
    }
    if (sym < 0) return stored(400, error_code::invalid_symbol);
    if (!p.market && p.price <= 0) return stored(400, error_code::bad_request);
    if (p.qty <= 0) return stored(400, error_code::bad_request);
    const m_market& mk = m_.markets[sym];

    m_order o;
    o.pub = next_pub();
    o.user = uid;
    o.sym = sym;
    o.buy = p.buy;
    o.market = p.market;
    o.tif = p.market ? (p.tif == 2 ? 2 : 1) : p.tif;
    o.post_only = p.post_only;
    o.price = p.price;
    o.qty = p.qty;
    expected e;
    e.idempotency = 1;
    e.status = 201;
    if (p.market) {
      if (mk.ref == 0) {
        ++uuids_used_;
        return rejected(o, e, "REJECTED", "no_reference_price");
      }
      if (p.buy) {
        o.price = static_cast<i64>(static_cast<i128>(mk.ref) * (bps_den + mk.band_bps) / bps_den);
      } else {
        o.price = static_cast<i64>(
            (static_cast<i128>(mk.ref) * (bps_den - mk.band_bps) + bps_den - 1) / bps_den);
      }
    }
    ++uuids_used_;
    if (m_.available(uid, m_.hold_asset(o)) < m_.hold_of(o)) {
      expected f = stored(422, error_code::insufficient_funds);
      return f;
    }
    if (o.post_only && m_.would_take(o, o.price)) {
      return rejected(o, e, "REJECTED", "post_only_would_take");
    }
    if (o.tif == 2 && m_.fillable_from_others(o) < o.qty) {
      return rejected(o, e, "CANCELED", "fok_cannot_fill");
    }
    o.id = pending_id_ = -1;  // learned from the rows (the engine's order id)
    e.wire_status = "?";      // set once matched
    pending_order_ = o;
    return e;
  }

  expected rejected(m_order& o, expected& e, const char* status, const char* reason) {
    o.status = status;
    o.reject_reason = reason;
    e.wire_status = status;
    e.outbox = 1;
    pending_order_ = o;
    pending_id_ = -2;  // ended at once, no money moves
    return e;
  }

  std::string next_pub() {
    char b[40];
    std::snprintf(b, sizeof b, "00000000-0000-7000-8000-%012llx",
                  static_cast<unsigned long long>(uuids_used_ + 1));
    predicted_pub_ = b;
    return b;
  }

  // Runs the command, then completes the prediction for accepted orders (their engine id is
  // only known from the rows) and compares the appended rows.
  template <class F>
  command_result apply_and_check(expected e, F&& run) {
    const std::size_t f0 = out_->trades.size(), p0 = out_->transfers.size(),
                      x0 = out_->outbox.size(), i0 = out_->idempotency.size(),
                      u0 = out_->users.size(), o0 = out_->orders.size();
    ++now_;
    const command_result got = run();
    ++commands_;
    ++seen_[what_.substr(0, what_.find(' ')) + " " + std::to_string(got.status) +
            (e.replay_body ? " replay" : "")];
    eq(got.status, e.status, "status");
    eq(static_cast<int>(got.error), static_cast<int>(e.error), "error code");
    if (e.replay_body) eq(got.body, *e.replay_body, "replayed body");

    if (pending_id_ != 0) {
      // The order's engine id: its row in this batch carries our public id.
      i64 id = 0;
      for (std::size_t i = 0; i < out_->orders.size(); ++i) {
        if (out_->orders[i].public_id == pending_order_.pub) id = out_->orders[i].id;
      }
      (void)o0;
      if (id == 0) {
        fail("no order row for " + pending_order_.pub);
      } else {
        pending_order_.id = id;
        if (pending_id_ == -2) {
          m_.touch(pending_order_);
        } else {
          m_.open[id] = pending_order_;
          std::set<i64> touched_ids;
          m_order& t = m_.open[id];
          m_.match(t, e, touched_ids);
          m_order copy = t;
          m_.settle_taker(copy);
          if (copy.status != "NEW" && copy.status != "PARTIALLY_FILLED") m_.open.erase(id);
          e.wire_status = copy.status;
          touched_ids.erase(id);
          e.outbox += 1 + static_cast<int>(touched_ids.size());
          trades_ += static_cast<int>(e.trade_posts.size());
        }
      }
      pending_id_ = 0;
    }
    if (!e.wire_status.empty()) ++seen_["order " + e.wire_status];
    if (!e.wire_status.empty()) {
      eq(got.body.find("\"status\":\"" + e.wire_status + "\"") != std::string::npos, true,
         "answer shows status " + e.wire_status + " in " + got.body);
    }
    // The transfers each trade makes: notional buyer -> seller, base seller -> buyer, each fee
    // to the fee account; none of zero or from an account to itself.
    struct m_transfer {
      i64 debit, credit, amount;
    };
    std::vector<m_transfer> want;
    for (const auto& tp : e.trade_posts) {
      const auto acc = [](i64 user, i64 asset) {
        return user * static_cast<i64>(engine::max_assets) + asset;
      };
      const m_transfer all[] = {{acc(tp[4], tp[6]), acc(tp[5], tp[6]), tp[0]},
                                {acc(tp[5], tp[7]), acc(tp[4], tp[7]), tp[1]},
                                {acc(tp[4], tp[6]), acc(static_cast<i64>(fee_user), tp[6]), tp[2]},
                                {acc(tp[5], tp[6]), acc(static_cast<i64>(fee_user), tp[6]), tp[3]}};
      for (const m_transfer& t : all) {
        if (t.amount != 0 && t.debit != t.credit) want.push_back(t);
      }
    }
    e.users = new_user_;
    new_user_ = 0;

    eq(out_->users.size() - u0, static_cast<std::size_t>(e.users), "users rows");
    // Only refusals have idempotency rows; an accepted order's record is on its order row, a
    // top-up's on its transfer.
    const bool refusal_row = e.idempotency && e.status >= 400;
    eq(out_->idempotency.size() - i0, static_cast<std::size_t>(refusal_row ? 1 : 0),
       "idempotency rows");
    if (refusal_row && out_->idempotency.size() > i0) {
      const idempotency_row& r = out_->idempotency.back();
      eq(r.status, e.status, "idempotency row status");
      eq(r.response, got.body, "idempotency row body");
    }
    if (e.idempotency && e.status == 201) {
      bool found = false;
      for (const auto& o : out_->orders) {
        if (!o.response.empty() && o.response == got.body) found = true;
      }
      eq(found, true, "order row carries the 201 answer");
    }
    eq(out_->outbox.size() - x0, static_cast<std::size_t>(e.outbox), "outbox events");
    eq(out_->transfers.size() - p0, want.size() + static_cast<std::size_t>(e.journal), "transfers");
    if (e.journal != 0 && out_->transfers.size() > p0) {
      const transfer_row& t = out_->transfers.back();
      eq(t.response, got.body, "top-up transfer carries the answer");
      eq(t.trade_id, i64{0}, "top-up transfer has no trade");
    }
    eq(out_->trades.size() - f0, e.fills.size() / 2, "trades");
    for (std::size_t i = 0; i + 1 < e.fills.size() && f0 + i / 2 < out_->trades.size(); i += 2) {
      const trade_row& r = out_->trades[f0 + i / 2];
      const m_fill& maker = e.fills[i];
      const m_fill& taker = e.fills[i + 1];
      const std::string n = "trade " + std::to_string(i / 2) + " ";
      eq(r.maker_order_id, maker.order, n + "maker order");
      eq(r.taker_order_id, taker.order, n + "taker order");
      eq(std::string(r.taker_side), std::string(taker.buy ? "BUY" : "SELL"), n + "taker side");
      eq(r.price, taker.price, n + "price");
      eq(r.qty, taker.qty, n + "qty");
      eq(r.maker_fee, maker.fee, n + "maker fee");
      eq(r.taker_fee, taker.fee, n + "taker fee");
      eq(r.ts_us, now_, n + "ts");
    }
    for (std::size_t i = 0; i < want.size() && p0 + i < out_->transfers.size(); ++i) {
      const transfer_row& t = out_->transfers[p0 + i];
      const std::string n = "transfer " + std::to_string(i) + " ";
      eq(t.debit_account, want[i].debit, n + "debit");
      eq(t.credit_account, want[i].credit, n + "credit");
      eq(t.amount, want[i].amount, n + "amount");
    }
    return got;
  }

  void do_topup() {
    std::string u = chance(2) ? "not-a-uuid" : user();
    std::string k = chance(1) ? "" : key();
    std::string currency = chance(3) ? "XYZ" : chance(60) ? "USD" : "BTC";
    i64 amount = currency == "USD" ? 10'000 * (1 + pick(500)) : 100'000 * (1 + pick(2000));
    if (chance(2)) amount = 0;
    if (!topups_.empty() && chance(8)) {
      const auto& [who, request] = topups_[pick(topups_.size())];
      u = who;
      std::tie(k, currency, amount) = request;
      if (chance(40)) amount += 1;
    }
    what_ = "topup " + k + " " + currency + " " + std::to_string(amount);
    this_hash_ = "T" + currency + std::to_string(amount);

    std::uint64_t uid = 0;
    expected e;
    if (auto a = admit(u, k, uid)) {
      e = *a;
    } else {
      int asset = -1;
      for (std::size_t i = 0; i < m_.assets.size(); ++i) {
        if (m_.assets[i] == currency) asset = static_cast<int>(i);
      }
      if (asset < 0 || amount <= 0) {
        e = stored(400, error_code::bad_request);
      } else {
        e = stored(200, error_code::none);
        e.journal = 1;
        m_.total[{uid, asset}] += amount;
        m_.total[{0, asset}] -= amount;
      }
    }
    topup_request r;
    r.user_id = u;
    r.idempotency_key = k;
    r.currency = currency;
    r.amount = amount;
    const command_result got = apply_and_check(e, [&] { return seq_.topup(r); });
    if (e.idempotency) {
      m_.idem[{m_.user_ids[u], k}] = {this_hash_, got};
      topups_.push_back({u, {k, currency, amount}});
      used_keys_.emplace_back(u, k);
    }
  }

  // An order to cancel or replace: mostly open ones, sometimes finished or someone else's.
  std::pair<std::string, std::string> target() {
    if (all_orders_.empty() || chance(3)) return {user(), "not-an-order"};
    if (!m_.open.empty() && chance(70)) {
      auto it = m_.open.begin();
      std::advance(it, pick(static_cast<int>(m_.open.size())));
      return {users_by_id(static_cast<i64>(it->second.user)), it->second.pub};
    }
    auto [owner, pub] = all_orders_[pick(all_orders_.size())];
    if (chance(5)) owner = user();
    return {owner, pub};
  }

  m_order* find_open(const std::string& owner, const std::string& pub) {
    auto u = m_.user_ids.find(owner);
    if (u == m_.user_ids.end()) return nullptr;
    for (auto& [id, o] : m_.open) {
      if (o.pub == pub && o.user == u->second) return &o;
    }
    return nullptr;
  }

  void do_cancel() {
    const auto [owner, pub] = target();
    what_ = "cancel " + pub;
    expected e;
    m_order* o = find_open(owner, pub);
    if (!o) {
      e.status = 404;
      e.error = error_code::order_not_found;
    } else {
      e.status = 200;
      e.outbox = 1;
      o->status = "CANCELED";
      m_.touch(*o);
      m_.open.erase(o->id);
    }
    apply_and_check(e, [&] { return seq_.cancel(cancel_order_request{owner, pub}); });
  }

  void do_replace() {
    const auto [owner, pub] = target();
    replace_order_request r;
    r.user_id = owner;
    r.order_id = pub;
    std::optional<i64> price, qty;
    if (chance(60)) {
      price = 4'995'000 + pick(100) * 100;
      if (chance(3)) price = 0;
      r.price = price == 0 ? "0" : money_text(*price, 2);
    }
    if (!r.price || chance(50)) {
      qty = 100'000 + pick(3'000'000);
      if (chance(10)) *qty *= 1000;  // more than most users can fund
      r.qty = money_text(*qty, 8);
    }
    what_ = "replace " + pub + " " + r.price.value_or("-") + " " + r.qty.value_or("-");
    expected e;
    m_order* o = find_open(owner, pub);
    if (!o) {
      e.status = 404;
      e.error = error_code::order_not_found;
    } else if ((price && *price <= 0) || (qty && *qty <= o->filled)) {
      e.status = 400;
      e.error = error_code::bad_request;
    } else {
      const i64 new_price = price.value_or(o->price);
      const i64 new_leaves = qty ? *qty - o->filled : o->leaves();
      const int asset = m_.hold_asset(*o);
      e.status = 200;
      if (new_price == o->price && new_leaves <= o->leaves()) {
        o->qty = o->filled + new_leaves;  // amended in place, keeps its priority
        e.outbox = 1;
        m_.touch(*o);
      } else if (m_.available(o->user, asset) + m_.hold_of(*o) <
                 m_.hold_of(*o, new_price, new_leaves)) {
        e.status = 422;
        e.error = error_code::insufficient_funds;
      } else if (o->post_only && m_.would_take(*o, new_price)) {
        e.status = 400;
        e.error = error_code::bad_request;
      } else {
        o->price = new_price;
        o->qty = o->filled + new_leaves;
        std::set<i64> touched_ids;
        m_order& t = *o;
        const i64 id = t.id;
        m_.match(t, e, touched_ids);
        m_order copy = t;
        m_.settle_taker(copy);
        if (copy.status != "NEW" && copy.status != "PARTIALLY_FILLED") m_.open.erase(id);
        touched_ids.erase(id);
        e.outbox += 1 + static_cast<int>(touched_ids.size());
        trades_ += static_cast<int>(e.trade_posts.size());
      }
    }
    apply_and_check(e, [&] { return seq_.replace(r); });
  }

  static std::string money_text(i64 v, int scale) {
    std::string s = std::to_string(v);
    while (static_cast<int>(s.size()) <= scale) s.insert(s.begin(), '0');
    s.insert(s.end() - scale, '.');
    return s;
  }

  void do_tick() {
    const int sym = chance(80) ? 0 : 1;
    engine::quote_tick t;
    t.symbol = static_cast<engine::symbol_id>(sym);
    t.bid_price = 4'990'000 + pick(200) * 100 + pick(3);
    t.ask_price = t.bid_price + 1 + pick(500);
    t.bid_qty = t.ask_qty = 1'000'000;  // the house is off: sizes become 0, the price moves
    ++now_;
    seq_.quote(t);
    m_.markets[sym].ref = t.bid_price + (t.ask_price - t.bid_price) / 2;
    m_.markets_touched.insert(sym);
  }

  // ---- one batch ----

  void run_batch() {
    ++batch_no_;
    batch b;
    out_ = &b;
    m_.touched.clear();
    m_.positions_touched.clear();
    m_.markets_touched.clear();
    auto before = m_.total;
    std::map<std::pair<std::uint64_t, int>, i64> held_before;
    for (const auto& [k, v] : m_.total) held_before[k] = m_.held(k.first, k.second);
    seq_.begin_batch(b);
    what_ = "quote ticks";
    if (chance(30)) do_tick();
    const int n = 1 + pick(chance(20) ? 60 : 12);
    for (int i = 0; i < n && failure_.empty(); ++i) {
      const int op = pick(100);
      if (op < 25) {
        do_topup();
      } else if (op < 75) {
        do_place();
      } else if (op < 90) {
        do_cancel();
      } else {
        do_replace();
      }
      for (const auto& o : b.orders) {
        if (known_.insert(o.public_id).second) {
          all_orders_.emplace_back(users_by_id(o.user_id), o.public_id);
        }
      }
    }
    seq_.end_batch();
    what_ = "end of batch";
    if (failure_.empty()) check_batch(b, before, held_before);
    commit_records(b);
  }

  // The idempotency records the batch's rows carry, as the database would return them.
  void commit_records(const batch& b) {
    for (const auto& a : b.accounts) account_users_[a.id] = static_cast<std::uint64_t>(a.user_id);
    for (const auto& o : b.orders) {
      if (o.idempotency_key.empty()) continue;
      command_result r;
      r.status = 201;
      r.body = o.response;
      committed_[{static_cast<std::uint64_t>(o.user_id), o.idempotency_key}] = {o.request_hash, r};
    }
    for (const auto& t : b.transfers) {
      if (t.topup_key.empty()) continue;
      command_result r;
      r.status = 200;
      r.body = t.response;
      committed_[{account_users_.at(t.credit_account), t.topup_key}] = {t.request_hash, r};
    }
    for (const auto& row : b.idempotency) {
      command_result r;
      r.status = row.status;
      r.error = parse_api_code(row.error_code).value_or(error_code::none);
      r.message = row.message;
      r.body = row.response;
      committed_[{static_cast<std::uint64_t>(row.user_id), row.key}] = {row.request_hash, r};
    }
  }

  std::string users_by_id(i64 id) {
    for (const auto& [u, i] : m_.user_ids) {
      if (static_cast<i64>(i) == id) return u;
    }
    return "";
  }

  void check_batch(const batch& b, const std::map<std::pair<std::uint64_t, int>, i64>& before,
                   const std::map<std::pair<std::uint64_t, int>, i64>& held_before) {
    // Audit: transfers move a positive amount between two accounts; they move the accounts'
    // running sums (credits - debits).
    for (const auto& t : b.transfers) {
      if (t.amount <= 0) fail("a transfer of no positive amount");
      if (t.debit_account == t.credit_account) fail("a transfer from an account to itself");
      posted_[t.credit_account] += t.amount;
      posted_[t.debit_account] -= t.amount;
    }

    // Accounts: each row is the model's balance; each account whose balance moved has a row.
    std::set<i64> rows;
    for (const auto& a : b.accounts) {
      rows.insert(a.id);
      const std::uint64_t user = static_cast<std::uint64_t>(a.id) / engine::max_assets;
      const int asset = static_cast<int>(a.id % engine::max_assets);
      const std::string n = "account " + std::to_string(a.id) + " ";
      eq(a.asset, m_.assets[asset], n + "asset");
      if (user == 0) {
        eq(a.available, m_.total[{0, asset}], n + "external balance");
        eq(a.held, i64{0}, n + "external held");
      } else {
        eq(a.held, m_.held(user, asset), n + "held");
        eq(a.available, m_.available(user, asset), n + "available");
      }
      // Audit: balance = credits - debits; user balances never negative.
      eq(a.available + a.held, posted_[a.id], n + "balance vs transfers");
      if (std::string(a.kind) == "user" && (a.available < 0 || a.held < 0)) {
        fail(n + "negative user balance");
      }
    }
    for (const auto& [k, v] : m_.total) {
      const auto it = before.find(k);
      const auto h = held_before.find(k);
      const bool moved = it == before.end() ? v != 0 : it->second != v;
      const bool hold_moved =
          k.first != 0 && (h == held_before.end() ? m_.held(k.first, k.second) != 0
                                                  : h->second != m_.held(k.first, k.second));
      if ((moved || hold_moved) && !rows.count(static_cast<i64>(k.first * engine::max_assets +
                                                                static_cast<unsigned>(k.second)))) {
        fail("no balance row for a changed account of user " + std::to_string(k.first));
      }
    }
    // Audit over the whole model: held = what open orders hold; nothing negative.
    for (const auto& [k, v] : m_.total) {
      if (k.first >= 1000 && (m_.available(k.first, k.second) < 0)) fail("model: negative balance");
    }

    // Orders: one row per order changed in the batch, its latest state.
    std::set<i64> order_rows;
    for (const auto& r : b.orders) {
      if (!order_rows.insert(r.id).second) fail("two rows for order " + std::to_string(r.id));
      auto it = m_.touched.find(r.id);
      if (it == m_.touched.end()) {
        fail("unexpected order row " + std::to_string(r.id));
        continue;
      }
      const m_order& o = it->second;
      const std::string n = "order " + std::to_string(r.id) + " ";
      eq(r.public_id, o.pub, n + "public id");
      eq(std::string(r.status), o.status, n + "status");
      eq(r.reject_reason, o.reject_reason, n + "reject reason");
      eq(r.qty, o.qty, n + "qty");
      eq(r.filled_qty, o.filled, n + "filled");
      eq(r.filled_notional, o.notional, n + "filled notional");
      eq(r.fee_units, o.fee_units, n + "fee units");
      const bool live = o.status == "NEW" || o.status == "PARTIALLY_FILLED";
      eq(r.held, live ? m_.hold_of(o) : i64{0}, n + "held");
      if (!o.market) eq(r.price.value_or(-1), o.price, n + "price");
      eq(r.created_us <= r.updated_us, true, n + "times");
    }
    eq(order_rows.size(), m_.touched.size(), "order rows");

    // Positions.
    eq(b.positions.size(), m_.positions_touched.size(), "position rows");
    for (const auto& r : b.positions) {
      int sym = 0;
      while (sym < static_cast<int>(m_.markets.size()) && m_.markets[sym].name != r.symbol) ++sym;
      const m_position& p = m_.positions[{static_cast<std::uint64_t>(r.user_id), sym}];
      const std::string n = "position " + std::to_string(r.user_id) + " " + r.symbol + " ";
      eq(r.qty, p.qty, n + "qty");
      eq(r.cost_basis, p.cost, n + "cost basis");
      eq(r.realized_pnl, p.realized, n + "realized");
    }
    // Reference prices of the ticked markets.
    eq(b.markets.size(), m_.markets_touched.size(), "market rows");
    for (const auto& r : b.markets) {
      for (const auto& mk : m_.markets) {
        if (mk.name == r.symbol) eq(r.reference_price, mk.ref, "reference price " + r.symbol);
      }
    }
    // The book is never crossed between users' resting orders.
    for (int sym = 0; sym < static_cast<int>(m_.markets.size()); ++sym) {
      i64 bid = 0, ask = INT64_MAX;
      for (const auto& [id, o] : m_.open) {
        if (o.sym != sym) continue;
        if (o.buy)
          bid = std::max(bid, o.price);
        else
          ask = std::min(ask, o.price);
      }
      if (bid >= ask) fail("model book crossed");
    }
    eq(seq_.open_order_count(), m_.open.size(), "open orders");
  }

  engine::engine_config cfg_;
  std::mt19937_64 rng_;
  model m_;
  i64 now_ = 1'700'000'000'000'000;
  std::uint64_t uuids_ = 0;       // ids handed out by the source
  std::uint64_t uuids_used_ = 0;  // ids the model expects to be taken
  sequencer seq_;
  std::vector<std::string> users_;
  batch* out_ = nullptr;
  std::string failure_, what_, this_hash_, predicted_pub_;
  int batch_no_ = 0, commands_ = 0, trades_ = 0, new_user_ = 0;
  std::uint64_t keys_ = 0;
  std::vector<std::pair<std::string, std::string>> used_keys_;
  std::vector<place_spec> places_;
  std::vector<std::pair<std::string, std::tuple<std::string, std::string, i64>>> topups_;
  std::vector<std::pair<std::string, std::string>> all_orders_;
  std::set<std::string> known_;
  std::map<i64, i64> posted_;
  std::map<std::string, int> seen_;
  m_order pending_order_;
  i64 pending_id_ = 0;
  std::map<std::pair<std::uint64_t, std::string>, idempotent_outcome> committed_;
  std::map<i64, std::uint64_t> account_users_;
};

TEST(CoreSequencerModel, RandomBatchesMatchTheReferenceLedger) {
  std::map<std::string, int> seen;
  int stp = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    model_test t(seed);
    const std::string failure = t.run(150);
    EXPECT_EQ(failure, "") << "seed " << seed;
    EXPECT_GT(t.trades(), 50) << "seed " << seed << ": too few trades to mean anything";
    RecordProperty("commands_seed_" + std::to_string(seed), t.commands());
    for (const auto& [k, n] : t.seen()) seen[k] += n;
    stp += t.self_trades();
  }
  std::string report;
  for (const auto& [k, n] : seen) report += k + "=" + std::to_string(n) + " ";
  std::printf("outcomes: %sself-trade cancels=%d\n", report.c_str(), stp);
  for (const char* k :
       {"place 201", "place 201 replay", "place 400", "place 422", "topup 200", "topup 200 replay",
        "topup 400", "topup 422", "cancel 200", "cancel 404", "replace 200", "replace 400",
        "replace 404", "replace 422", "order NEW", "order PARTIALLY_FILLED", "order FILLED",
        "order CANCELED", "order REJECTED"}) {
    EXPECT_GT(seen[k], 0) << k << " never happened";
  }
  EXPECT_GT(stp, 0);
}

// The same commands with only the newest 100 answers in memory (batches hold up to 60): every
// older key is read back from the committed records, and nothing the model checks changes.
TEST(CoreSequencerModel, ABoundedIdempotencyWindowAnswersTheSame) {
  std::map<std::string, int> seen;
  for (std::uint64_t seed : {5u, 6u}) {
    model_test t(seed, 100);
    EXPECT_EQ(t.run(150), "") << "seed " << seed;
    EXPECT_GT(t.idempotency_lookups(), 20u) << "seed " << seed << ": the window was never left";
    for (const auto& [k, n] : t.seen()) seen[k] += n;
  }
  for (const char* k : {"place 201 replay", "topup 200 replay", "place 422", "topup 422"}) {
    EXPECT_GT(seen[k], 0) << k << " never happened";
  }
}

}  // namespace
}  // namespace mc::tradeledger
