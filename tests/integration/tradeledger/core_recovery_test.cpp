// Recovery: a new core on the same database rebuilds balances, open orders in time priority,
// counters and idempotency records, and its audit is clean — after a graceful stop and after
// an abrupt end (threads gone, nothing but committed rows left).
#include <pqxx/pqxx>

#include "core_test_util.h"

namespace mc::tradeledger::test {
namespace {

using CoreRecovery = core_fixture;

TEST_F(CoreRecovery, RestartRestoresBalancesOrdersAndPriority) {
  start(false);
  const auto a = new_user(), b = new_user(), c = new_user();
  topup(a, "1", "BTC");
  topup(b, "1", "BTC");
  topup(c, "100000.00");
  // Two sells at one price: a's is older, so it must fill first, before and after the restart.
  const std::string sa = str(json_of(limit(a, "SELL", "50000.00", "0.01")).at("order_id"));
  const std::string sb = str(json_of(limit(b, "SELL", "50000.00", "0.01")).at("order_id"));
  const std::string buy = str(json_of(limit(c, "BUY", "40000.00", "0.02")).at("order_id"));
  auto fill = json_of(limit(c, "BUY", "50000.00", "0.005"));
  EXPECT_EQ(str(fill.at("status")), "FILLED");
  auto topup_key = topup(c, "5.00", "USD", "restart-key");

  const auto before_a = portfolio(a), before_c = portfolio(c);
  core_->stop();
  core_.reset();
  ASSERT_TRUE(run_audit(db_).ok()) << run_audit(db_).text();

  start(false);
  EXPECT_EQ(portfolio(a), before_a);
  EXPECT_EQ(portfolio(c), before_c);
  EXPECT_EQ(str(json_of(get(a, sa)).at("status")), "PARTIALLY_FILLED");
  auto open =
      json_of(sync(core_->list_orders(list_orders_query{c, order_filter::open, "", 50, ""}, {})));
  ASSERT_EQ(open.at("orders").as_array().size(), 1u);
  EXPECT_EQ(str(open.at("orders").as_array()[0].as_object().at("id")), buy);
  // The idempotency record survived: same answer, no second credit.
  EXPECT_EQ(topup(c, "5.00", "USD", "restart-key").body, topup_key.body);

  // Time priority survived: a's remainder fills before b's order.
  auto next = json_of(limit(c, "BUY", "50000.00", "0.01"));
  EXPECT_EQ(str(next.at("status")), "FILLED");
  EXPECT_EQ(str(json_of(get(a, sa)).at("status")), "FILLED");
  EXPECT_EQ(str(json_of(get(b, sb)).at("status")), "PARTIALLY_FILLED");
  // Restored orders cancel like any other; ids keep growing (no reuse after restart).
  EXPECT_EQ(str(json_of(cancel(c, buy)).at("status")), "CANCELED");
  EXPECT_EQ(str(json_of(cancel(b, sb)).at("status")), "CANCELED");
}

TEST_F(CoreRecovery, RestartAfterAcknowledgedWorkLosesNothing) {
  start(false);
  const auto a = new_user(), b = new_user();
  topup(a, "100000.00");
  topup(b, "2", "BTC");
  std::vector<std::string> acked;
  for (int i = 0; i < 20; ++i) {
    auto r = limit(a, "BUY", std::to_string(40000 + i) + ".00", "0.01");
    ASSERT_EQ(r.status, 201);
    acked.push_back(str(json_of(r).at("order_id")));
  }
  limit(b, "SELL", "40010.00", "0.05");
  const auto before = portfolio(a);
  // Everything acknowledged is committed; stopping (or dying) now must not matter.
  core_->stop();
  core_.reset();
  start(false);
  EXPECT_EQ(portfolio(a), before);
  for (const auto& id : acked) EXPECT_EQ(get(a, id).status, 200);
  auto book = json_of(sync(core_->order_book("BTC-USD", 100, {})));
  EXPECT_EQ(book.at("bids").as_array().size(), 15u);  // b filled the five best bids, 40015..40019
}

TEST_F(CoreRecovery, RefusesToStartOnACorruptLedger) {
  start(false);
  const auto a = new_user();
  topup(a, "100.00");
  limit(a, "BUY", "1000.00", "0.01");
  core_->stop();
  core_.reset();
  {
    pqxx::connection conn(db_);
    pqxx::work tx(conn);
    tx.exec(
        "UPDATE tradeledger.accounts SET held = held + 1, available = available - 1 "
        "WHERE kind = 'user'");
    tx.commit();
  }
  EXPECT_FALSE(run_audit(db_).ok());
  core_ = std::make_unique<ledger_core>(make_config(false));
  EXPECT_THROW(core_->start(), std::runtime_error);
  core_.reset();
  // Repair so the fixture's final audit judges the core, not this deliberate corruption.
  pqxx::connection conn(db_);
  pqxx::work tx(conn);
  tx.exec(
      "UPDATE tradeledger.accounts SET held = held - 1, available = available + 1 "
      "WHERE kind = 'user'");
  tx.commit();
}

}  // namespace
}  // namespace mc::tradeledger::test

namespace mc::tradeledger::test {
namespace {

// The user_seq of every order event of one user, in outbox order.
std::vector<std::int64_t> user_seqs(const std::string& db, const std::string& user) {
  pqxx::connection c(db);
  pqxx::work tx(c);
  std::vector<std::int64_t> out;
  for (const auto& r : tx.exec_params(
           "SELECT payload FROM tradeledger.outbox_events WHERE channel = $1 ORDER BY seq",
           "orders:" + user)) {
    out.push_back(boost::json::parse(r[0].as<std::string>()).at("user_seq").as_int64());
  }
  return out;
}

// Order events carry the user's own sequence number, 1, 2, 3... without holes, and it goes on
// from where it was after a restart — so a client can tell that it missed an event.
TEST_F(CoreRecovery, UserEventSequenceIsContiguousAcrossRestarts) {
  start(false);
  const auto a = new_user(), b = new_user();
  topup(a, "1000.00");
  topup(b, "1", "BTC");
  ASSERT_EQ(limit(a, "BUY", "100.00", "1").status, 201);
  ASSERT_EQ(limit(b, "SELL", "100.00", "0.5").status, 201);  // fills a partly: order + fill
  core_->stop();
  core_.reset();
  start(false);
  ASSERT_EQ(limit(a, "BUY", "90.00", "1").status, 201);
  const auto seqs = user_seqs(db_, a);
  ASSERT_GE(seqs.size(), 4u);
  for (std::size_t i = 0; i < seqs.size(); ++i)
    EXPECT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(user_seqs(db_, b).front(), 1);
}

}  // namespace
}  // namespace mc::tradeledger::test
