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

// A new user with a USD account and one idempotency record carrying `message`.
batch user_batch(std::int64_t user, const std::string& key, const std::string& message) {
  batch b;
  if (user != 0) {
    b.users.push_back(user_row{user, "0190f0e4-1111-7222-8333-00000000" + std::to_string(user)});
    b.accounts.push_back(account_row{user * 8, user, "user", "USD", 100, 0});
  }
  b.idempotency.push_back(idempotency_row{1000, key, "hash", 200, "", message, "{}"});
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

// Rows reference rows created in the same batch: a posting to a brand-new account of a
// brand-new user (a user's first trade also creates the fee account). A COPY checks its foreign
// keys when it ends, so the order of the writes matters.
TEST_P(PersisterTest, RowsMayReferenceRowsOfTheSameBatch) {
  batch b = user_batch(1000, "k1", "");
  b.accounts.push_back(account_row{16, 0, "fee", "USD", 5, 0});
  b.journal.push_back(journal_row{1, "topup", "k1", 0});
  b.postings.push_back(posting_row{1, 8000, "USD", 100});
  b.postings.push_back(posting_row{1, 16, "USD", 5});
  b.postings.push_back(posting_row{1, 0, "USD", -105});
  b.accounts.push_back(account_row{0, 0, "external", "USD", -105, 0});
  auto p = make();
  p->write(b);
  EXPECT_EQ(count("postings"), 3);
  EXPECT_EQ(count("accounts"), 3);
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
  EXPECT_EQ(tx.exec1("SELECT payload FROM tradeledger.outbox")[0].as<std::string>(), nasty);
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
