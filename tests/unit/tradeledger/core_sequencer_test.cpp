// The engine-thread translator without a database: commands in, batch rows and answers out.
// Trades are transfers that reproduce the balances, rows are deduplicated, idempotency records
// ride on order and transfer rows, outbox seqs are contiguous and grouped per command.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>

#include "engine/market_spec.h"
#include "tradeledger/api/request_builder.h"
#include "tradeledger/core/quote_normaliser.h"
#include "tradeledger/core/sequencer.h"

namespace mc::tradeledger {
namespace {

const std::string alice = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string bob = "bbbbbbbb-0000-4000-8000-000000000002";

topup_request topup(const std::string& user, const std::string& amount, const std::string& cur,
                    const std::string& key) {
  return topup_from(default_markets(), user, key, cur, amount);
}

place_order_request limit(const std::string& user, const std::string& side,
                          const std::string& price, const std::string& qty,
                          const std::string& key) {
  return order_from(default_markets(), user, key, "BTC-USD", side, "LIMIT", price, qty);
}

TEST(CoreSequencer, TradeBatchBalancesAndDeduplicates) {
  sequencer seq(engine::default_config(), false);
  batch b;
  seq.begin_batch(b);
  EXPECT_EQ(seq.topup(topup(alice, "1000.00", "USD", "t1")).status, 200);
  EXPECT_EQ(seq.topup(topup(bob, "1", "BTC", "t2")).status, 200);
  EXPECT_EQ(seq.place(limit(alice, "BUY", "50000.00", "0.01", "o1")).status, 201);
  EXPECT_EQ(seq.place(limit(bob, "SELL", "50000.00", "0.004", "o2")).status, 201);
  EXPECT_EQ(seq.place(limit(bob, "SELL", "50000.00", "0.006", "o3")).status, 201);
  seq.end_batch();

  EXPECT_EQ(b.users.size(), 2u);
  // 2 top-ups + 2 trades of 4 transfers each (notional, base, buyer fee, seller fee).
  ASSERT_EQ(b.transfers.size(), 10u);
  EXPECT_EQ(b.transfers[0].topup_key, "t1");
  EXPECT_EQ(b.transfers[0].trade_id, 0);
  EXPECT_FALSE(b.transfers[0].response.empty());
  // Every account's balance (available + held) is its credits minus its debits.
  std::map<std::int64_t, std::int64_t> net;
  for (const auto& t : b.transfers) {
    EXPECT_GT(t.amount, 0);
    EXPECT_NE(t.debit_account, t.credit_account);
    net[t.credit_account] += t.amount;
    net[t.debit_account] -= t.amount;
  }
  for (const auto& a : b.accounts) EXPECT_EQ(a.available + a.held, net[a.id]) << a.id;

  // One row per order (the latest state), per account and per position.
  ASSERT_EQ(b.orders.size(), 3u);
  EXPECT_STREQ(b.orders[0].status, "FILLED");
  EXPECT_EQ(b.orders[0].filled_qty, 1'000'000);
  EXPECT_EQ(b.orders[0].held, 0);
  std::map<std::int64_t, int> accounts;
  for (const auto& a : b.accounts) ++accounts[a.id];
  for (const auto& [id, n] : accounts) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(b.positions.size(), 2u);
  ASSERT_EQ(b.trades.size(), 2u);
  EXPECT_EQ(b.trades[0].maker_order_id, b.orders[0].id);
  EXPECT_EQ(b.trades[0].taker_order_id, b.orders[1].id);
  EXPECT_STREQ(b.trades[0].taker_side, "SELL");
  EXPECT_TRUE(b.idempotency.empty());  // nothing was refused
  for (const auto& o : b.orders) {
    EXPECT_FALSE(o.idempotency_key.empty());
    EXPECT_EQ(o.response.rfind("{\"order_id\":\"" + o.public_id + "\"", 0), 0u) << o.response;
  }
  // Events of one command share a `command` (one table row); commands differ.
  for (std::size_t i = 1; i < b.outbox.size(); ++i) {
    EXPECT_GE(b.outbox[i].command, b.outbox[i - 1].command);
  }
  EXPECT_NE(b.outbox.front().command, b.outbox.back().command);
  for (std::size_t i = 0; i < b.outbox.size(); ++i) {
    EXPECT_EQ(b.outbox[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(b.outbox[i].payload.rfind("{\"seq\":" + std::to_string(i + 1) + ",", 0), 0u);
  }
  EXPECT_TRUE(seq.engine().audit().ok);
  EXPECT_EQ(seq.open_order_count(), 0u);
}

TEST(CoreSequencer, ReplayReturnsTheStoredAnswerWithoutApplying) {
  sequencer seq(engine::default_config(), false);
  batch b;
  seq.begin_batch(b);
  const auto first = seq.topup(topup(alice, "10.00", "USD", "k"));
  const auto again = seq.topup(topup(alice, "10.00", "USD", "k"));
  auto other = topup(alice, "11.00", "USD", "k");
  const auto mismatch = seq.topup(other);
  seq.end_batch();
  EXPECT_EQ(first.body, again.body);
  EXPECT_EQ(mismatch.error, error_code::idem_mismatch);
  EXPECT_EQ(b.transfers.size(), 1u);
  EXPECT_TRUE(b.idempotency.empty());  // the top-up's record is its transfer
  EXPECT_EQ(seq.engine().balance(1000, 0).available, 1000);
}

TEST(CoreQuoteNormaliser, QuoteTicksAreRoundedSafelyAndSizedToTheLot) {
  const quote_normaliser seq(engine::default_config());
  auto t = seq.make_tick("BTC-USD", "50000.129", "50000.131", "0.123456789", "5000", false);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->bid_price, 5'000'012);      // rounded down
  EXPECT_EQ(t->ask_price, 5'000'014);      // rounded up
  EXPECT_EQ(t->bid_qty, 12'345'678);       // floored to the lot of one satoshi
  EXPECT_EQ(t->ask_qty, 100'000'000'000);  // clamped to max_qty
  auto stale = seq.make_tick("BTC-USD", "1.00", "2.00", "1", "1", true);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->bid_qty, 0);
  EXPECT_FALSE(seq.make_tick("BTC-USD", "2.00", "1.00", "1", "1", false));  // crossed
  EXPECT_FALSE(seq.make_tick("XRP-USD", "1.00", "2.00", "1", "1", false));
  EXPECT_FALSE(seq.make_tick("BTC-USD", "abc", "2.00", "1", "1", false));
}

TEST(CoreSequencer, AnUnreadableOldKeyAnswersUnavailableAndRunsNothing) {
  sequencer seq(engine::default_config(), false);
  bool database_up = true;
  std::map<std::string, idempotent_outcome> database;
  seq.bound_idempotency(1, [&](std::uint64_t, const std::string& key) {
    if (!database_up) throw std::runtime_error("connection refused");
    auto it = database.find(key);
    return it == database.end() ? std::optional<idempotent_outcome>{} : it->second;
  });
  batch b;
  seq.begin_batch(b);
  const auto first = seq.topup(topup(alice, "10.00", "USD", "t1"));
  ASSERT_EQ(first.status, 200);
  database["t1"] = idempotent_outcome{b.transfers.at(0).request_hash, first};
  EXPECT_EQ(seq.topup(topup(alice, "20.00", "USD", "t2")).status, 200);  // t1 leaves the window
  seq.end_batch();

  batch next;
  seq.begin_batch(next);
  database_up = false;
  const auto refused = seq.topup(topup(alice, "10.00", "USD", "t1"));
  EXPECT_EQ(refused.error, error_code::unavailable);
  database_up = true;
  const auto replayed = seq.topup(topup(alice, "10.00", "USD", "t1"));
  EXPECT_EQ(replayed.status, 200);
  EXPECT_EQ(replayed.body, first.body);
  seq.end_batch();
  // Neither the refusal nor the replay wrote anything: the money moved once.
  EXPECT_TRUE(next.transfers.empty());
  EXPECT_TRUE(next.idempotency.empty());
  EXPECT_EQ(seq.idempotency().lookups(), 2u);
}

}  // namespace
}  // namespace mc::tradeledger
