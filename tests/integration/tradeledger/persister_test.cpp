// The persister against a real PostgreSQL: a batch is one statement that commits whole or not
// at all, its number in persist_state says afterwards whether it committed, only one writer
// may hold a database, and every byte of text survives the array-literal round trip.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <stdexcept>
#include <string>

#include "common/pg/migrate.h"
#include "support/test_env.h"
#include "tradeledger/core/persister.h"

namespace mc::tradeledger::test {
namespace {

constexpr const char* user_uuid = "0190f0e4-1111-7222-8333-444455556666";

class PersisterTest : public ::testing::Test {
 protected:
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

// A new user with a USD account and one idempotency record carrying `message`.
batch user_batch(std::int64_t user, const std::string& key, const std::string& message) {
  batch b;
  if (user != 0) {
    b.users.push_back(user_row{user, user_uuid});
    b.accounts.push_back(account_row{user * 8, user, "user", "USD", 100, 0});
  }
  b.idempotency.push_back(idempotency_row{1000, key, "hash", 200, "", message, "{}"});
  return b;
}

TEST_F(PersisterTest, BatchNumbersSayWhatCommitted) {
  {
    persister p(db_);
    EXPECT_EQ(p.last_committed(), 0);
    p.write(user_batch(1000, "k1", ""));
    EXPECT_EQ(p.last_committed(), 1);
    p.write(batch{});  // no rows: no statement, no number
    EXPECT_EQ(p.last_committed(), 1);
    p.write(user_batch(0, "k2", ""));
    EXPECT_EQ(p.last_committed(), 2);
  }
  // What a writer that lost its connection mid-batch reads after reconnecting.
  persister again(db_);
  EXPECT_EQ(again.last_committed(), 2);
  EXPECT_EQ(count("idempotency"), 2);
}

TEST_F(PersisterTest, AFailingBatchWritesNothing) {
  persister p(db_);
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

TEST_F(PersisterTest, OneWriterPerDatabase) {
  persister first(db_);
  EXPECT_THROW(persister second(db_), std::runtime_error);
}

TEST_F(PersisterTest, TextSurvivesExactly) {
  const std::string nasty = R"(quote " backslash \ comma , braces {} NULL null 'single')"
                            "\t tab, \n newline, unicode \xE2\x82\xAC and a trailing backslash \\";
  persister p(db_);
  batch b = user_batch(1000, "key \"with\" \\ odd, chars}", nasty);
  b.outbox.push_back(outbox_row{1, "orders:" + std::string(user_uuid), nasty});
  p.write(b);

  pqxx::connection c(db_);
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT payload FROM tradeledger.outbox")[0].as<std::string>(), nasty);
  const auto r = tx.exec1("SELECT key, message FROM tradeledger.idempotency");
  EXPECT_EQ(r[0].as<std::string>(), "key \"with\" \\ odd, chars}");
  EXPECT_EQ(r[1].as<std::string>(), nasty);
}

}  // namespace
}  // namespace mc::tradeledger::test
