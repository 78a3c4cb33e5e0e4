// The persister against a real PostgreSQL, on both write paths (one statement; COPY plus the
// statement): a batch commits whole or not at all, its number in persist_state says
// afterwards whether it committed, only one writer may hold a database, and every byte of
// text survives the array-literal and COPY round trips.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/pg/migrate.h"
#include "support/test_env.h"
#include "tradeledger/core/persister.h"

namespace mc::tradeledger::test {
namespace {

constexpr const char* user_uuid = "0190f0e4-1111-7222-8333-444455556666";

// The parameter is the persister's copy_rows_min: 0 sends every batch by COPY, SIZE_MAX none.
class PersisterTest : public ::testing::TestWithParam<std::size_t> {
 protected:
  std::unique_ptr<persister> make(const std::string& writer = "writer-a") {
    auto p = std::make_unique<persister>(db_, writer, GetParam());
    p->open();
    return p;
  }

  void SetUp() override {
    db_ = mc::test::fresh_database();
    pg::migrate(db_, "tradeledger", mc::test::source_path("migrations/tradeledger"));
  }

  std::int64_t count(const std::string& table) {
    pqxx::connection c(db_);
    pqxx::nontransaction tx(c);
    return tx.exec1("SELECT count(*) FROM tradeledger." + table)[0].as<std::int64_t>();
  }

  std::string db_;
};

// A new user with a USD account and one refusal's idempotency record carrying `message`.
batch user_batch(std::int64_t user, const std::string& key, const std::string& message) {
  batch b;
  if (user != 0) {
    b.users.push_back(user_row{user, "0190f0e4-1111-7222-8333-00000000" + std::to_string(user)});
    b.accounts.push_back(account_row{user * 8, user, "user", "USD", 100, 0});
  }
  b.idempotency.push_back(
      idempotency_row{1000, key, "hash", 422, "INSUFFICIENT_FUNDS", message, "{}"});
  return b;
}

TEST_P(PersisterTest, BatchNumbersSayWhatCommitted) {
  {
    auto p = make();
    EXPECT_EQ(p->last_committed(), 0);
    p->write(user_batch(1000, "k1", ""));
    EXPECT_EQ(p->last_committed(), 1);
    p->write(batch{});  // no rows: no statement, no number
    EXPECT_EQ(p->last_committed(), 1);
    p->write(user_batch(0, "k2", ""));
    EXPECT_EQ(p->last_committed(), 2);
  }
  // What a writer that lost its connection mid-batch reads after reconnecting: the number and
  // who wrote it (so a batch of another writer is never taken for one's own).
  auto again = make("writer-b");
  EXPECT_EQ(again->last_committed(), 2);
  EXPECT_EQ(again->last_writer(), "writer-a");
  again->write(user_batch(0, "k3", ""));
  EXPECT_EQ(again->last_writer(), "writer-b");
  EXPECT_EQ(count("idempotency"), 3);
}

TEST_P(PersisterTest, AFailingBatchWritesNothing) {
  auto owner = make();
  persister& p = *owner;
  p.write(user_batch(1000, "k1", ""));

  // A negative user balance violates a CHECK: the new user, account and record must not stay.
  batch negative = user_batch(1001, "k2", "");
  negative.accounts.back().available = -1;
  EXPECT_THROW(p.write(negative), pqxx::check_violation);

  // An order of an earlier batch that does not exist: the statement aborts itself.
  batch diverged = user_batch(1002, "k3", "");
  order_row o;
  o.id = 7;
  diverged.orders.push_back(o);
  diverged.first_new_order_id = 100;  // so order 7 "exists already"
  EXPECT_THROW(p.write(diverged), pqxx::data_exception);

  EXPECT_EQ(count("users"), 1);
  EXPECT_EQ(count("accounts"), 1);
  EXPECT_EQ(count("idempotency"), 1);
  EXPECT_EQ(p.last_committed(), 1);
  p.write(user_batch(0, "k4", ""));  // the connection is still good for the next batch
  EXPECT_EQ(p.last_committed(), 2);
}

// Rows reference rows created in the same batch: a transfer to a brand-new account of a
// brand-new user (a user's first trade also creates the fee account). A COPY checks its foreign
// keys when it ends, so the order of the writes matters.
TEST_P(PersisterTest, RowsMayReferenceRowsOfTheSameBatch) {
  batch b = user_batch(1000, "k1", "");
  b.accounts.push_back(account_row{16, 0, "fee", "USD", 5, 0});
  b.transfers.push_back(transfer_row{1, 0, 8000, "USD", 105, 0, "t1", "hash", "{}", 0});
  b.transfers.push_back(transfer_row{2, 8000, 16, "USD", 5, 7, "", "", "", 0});
  b.accounts.push_back(account_row{0, 0, "external", "USD", -105, 0});
  auto p = make();
  p->write(b);
  EXPECT_EQ(count("transfers"), 2);
  EXPECT_EQ(count("accounts"), 3);
  pqxx::connection c(db_);
  pqxx::nontransaction tx(c);
  const auto r = tx.exec1(
      "SELECT count(*) FILTER (WHERE topup_key = 't1' AND trade_id IS NULL AND response = '{}'), "
      "count(*) FILTER (WHERE trade_id = 7 AND topup_key IS NULL) FROM tradeledger.transfers");
  EXPECT_EQ(r[0].as<int>(), 1);
  EXPECT_EQ(r[1].as<int>(), 1);
}

// An order's first row carries its idempotency record; a trade is one row whose sides are
// fills of their orders (the fills view); one command's events are one outbox row.
TEST_P(PersisterTest, OrdersTradesAndOutboxRows) {
  batch b = user_batch(1000, "k1", "");
  b.first_new_order_id = 1;
  for (std::int64_t id : {1, 2}) {
    order_row o;
    o.id = id;
    o.public_id = "0190f0e4-1111-7222-8333-00000000000" + std::to_string(id);
    o.user_id = 1000;
    o.symbol = "BTC-USD";
    o.side = id == 1 ? "SELL" : "BUY";
    o.price = 5000000;
    o.qty = 100;
    o.filled_qty = 100;
    o.status = "FILLED";
    o.idempotency_key = "key-" + std::to_string(id);
    o.request_hash = "hash";
    o.response = "{\"answer\":" + std::to_string(id) + "}";
    b.orders.push_back(o);
  }
  b.trades.push_back(trade_row{9, "BTC-USD", 5000000, 100, "BUY", 1, 2, 3, 4, 0});
  b.outbox.push_back(outbox_row{1, "trades:BTC-USD", "{\"seq\":1}", 5});
  b.outbox.push_back(outbox_row{2, "orders:" + std::string(user_uuid), "{\"seq\":2}", 5});
  b.outbox.push_back(outbox_row{3, "orders:" + std::string(user_uuid), "{\"seq\":3}", 6});
  auto p = make();
  p->write(b);
  EXPECT_EQ(count("outbox"), 2);
  EXPECT_EQ(count("outbox_events"), 3);
  EXPECT_EQ(count("trades"), 1);
  pqxx::connection c(db_);
  pqxx::nontransaction tx(c);
  const auto fills =
      tx.exec("SELECT order_id, side, fee, liquidity FROM tradeledger.fills ORDER BY order_id");
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0][1].as<std::string>(), "SELL");
  EXPECT_EQ(fills[0][2].as<int>(), 3);
  EXPECT_EQ(fills[0][3].as<std::string>(), "MAKER");
  EXPECT_EQ(fills[1][1].as<std::string>(), "BUY");
  EXPECT_EQ(fills[1][3].as<std::string>(), "TAKER");
  EXPECT_EQ(tx.exec1("SELECT response FROM tradeledger.orders WHERE idempotency_key = 'key-2'")[0]
                .as<std::string>(),
            "{\"answer\":2}");
  const auto events = tx.exec("SELECT seq, channel FROM tradeledger.outbox_events ORDER BY seq");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0][1].as<std::string>(), "trades:BTC-USD");
  EXPECT_EQ(events[2][0].as<int>(), 3);
}

TEST_P(PersisterTest, OneWriterPerDatabase) {
  auto first = make();
  EXPECT_THROW(make(), writer_lock_busy);
  first.reset();
  EXPECT_NO_THROW(make());  // the lock goes with the connection
}

TEST_P(PersisterTest, TextSurvivesExactly) {
  const std::string nasty = R"(quote " backslash \ comma , braces {} NULL null 'single')"
                            "\t tab, \n newline, unicode \xE2\x82\xAC and a trailing backslash \\";
  auto p = make();
  batch b = user_batch(1000, "key \"with\" \\ odd, chars}", nasty);
  b.outbox.push_back(outbox_row{1, "orders:" + std::string(user_uuid), nasty});
  p->write(b);

  pqxx::connection c(db_);
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT payload FROM tradeledger.outbox_events")[0].as<std::string>(), nasty);
  const auto r = tx.exec1("SELECT key, message FROM tradeledger.idempotency");
  EXPECT_EQ(r[0].as<std::string>(), "key \"with\" \\ odd, chars}");
  EXPECT_EQ(r[1].as<std::string>(), nasty);
}

INSTANTIATE_TEST_SUITE_P(WritePaths, PersisterTest, ::testing::Values(SIZE_MAX, std::size_t{0}),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return info.param == 0 ? std::string("Copy")
                                                  : std::string("OneStatement");
                         });

}  // namespace
}  // namespace mc::tradeledger::test
