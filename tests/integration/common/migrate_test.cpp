// mc::pg::migrate against the test PostgreSQL: order, idempotence, concurrent migrators,
// failing files, edited files. Migration files are written to a temporary folder per test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <unistd.h>
#include <atomic>

#include "common/pg/migrate.h"
#include "support/test_env.h"

namespace {

namespace fs = std::filesystem;

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = mc::test::fresh_database();
    dir_ = fs::temp_directory_path() / ("mc_migrate_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& sql) { std::ofstream(dir_ / name) << sql; }

  int count(const std::string& query) {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    return tx.exec1(query)[0].as<int>();
  }

  bool table_exists(const std::string& qualified) {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    return !tx.exec_params1("SELECT to_regclass($1) IS NULL", qualified)[0].as<bool>();
  }

  std::string url_;
  fs::path dir_;
};

TEST_F(Migrate, AppliesInNumericOrderExactlyOnce) {
  // Numeric order matters: lexical order would run 10_ before 2_ and fail.
  write("1_accounts.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY);");
  write("2_balance.sql", "ALTER TABLE accounts ADD COLUMN balance bigint NOT NULL DEFAULT 0;");
  write("10_seed.sql", "INSERT INTO accounts (id, balance) VALUES (1, 100);");
  write("README.md", "not a migration");

  mc::pg::migrate(url_, "svc", dir_.string());
  mc::pg::migrate(url_, "svc", dir_.string());

  EXPECT_EQ(count("SELECT count(*) FROM svc.accounts"), 1);  // the seed ran once
  EXPECT_EQ(count("SELECT count(*) FROM svc.schema_migrations"), 3);
  EXPECT_EQ(count("SELECT max(version) FROM svc.schema_migrations"), 10);
  EXPECT_FALSE(table_exists("public.accounts"));  // unqualified names land in the schema
}

TEST_F(Migrate, NewFilesAreAppliedOnTheNextRun) {
  write("001_a.sql", "CREATE TABLE a (v int);");
  mc::pg::migrate(url_, "svc", dir_.string());
  write("002_b.sql", "INSERT INTO a VALUES (2);");
  mc::pg::migrate(url_, "svc", dir_.string());
  EXPECT_EQ(count("SELECT sum(v) FROM svc.a"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM svc.schema_migrations"), 2);
}

TEST_F(Migrate, ConcurrentMigratorsEachApplyEveryFileOnce) {
  // The sleep widens the window in which an unlocked second migrator would also start.
  write("001_log.sql", "SELECT pg_sleep(0.3); CREATE TABLE log (v int);");
  write("002_a.sql", "INSERT INTO log VALUES (1);");
  write("003_b.sql", "INSERT INTO log VALUES (2);");
  constexpr int migrators = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < migrators; ++i) {
    threads.emplace_back([&] {
      try {
        mc::pg::migrate(url_, "svc", dir_.string());
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(count("SELECT count(*) FROM svc.log"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM svc.schema_migrations"), 3);
}

TEST_F(Migrate, FailingFileLeavesNothingAndStopsTheRun) {
  write("001_ok.sql", "CREATE TABLE ok (v int);");
  write("002_bad.sql", "CREATE TABLE half (v int); INSERT INTO ok VALUES (1); SELEC oops;");
  write("003_later.sql", "CREATE TABLE later (v int);");
  try {
    mc::pg::migrate(url_, "svc", dir_.string());
    FAIL() << "migrate accepted a broken file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("002_bad.sql"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(table_exists("svc.ok"));
  EXPECT_FALSE(table_exists("svc.half"));
  EXPECT_FALSE(table_exists("svc.later"));
  EXPECT_EQ(count("SELECT count(*) FROM svc.ok"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM svc.schema_migrations"), 1);

  // Once fixed, the run continues where it stopped.
  write("002_bad.sql", "CREATE TABLE half (v int);");
  mc::pg::migrate(url_, "svc", dir_.string());
  EXPECT_TRUE(table_exists("svc.half"));
  EXPECT_TRUE(table_exists("svc.later"));
  EXPECT_EQ(count("SELECT count(*) FROM svc.schema_migrations"), 3);
}

TEST_F(Migrate, EditedAppliedFileIsRejected) {
  write("001_a.sql", "CREATE TABLE a (v int);");
  mc::pg::migrate(url_, "svc", dir_.string());
  write("001_a.sql", "CREATE TABLE a (v bigint);");
  EXPECT_THROW(mc::pg::migrate(url_, "svc", dir_.string()), std::runtime_error);
}

TEST_F(Migrate, SchemasAreIndependent) {
  write("001_a.sql", "CREATE TABLE a (v int);");
  mc::pg::migrate(url_, "gateway", dir_.string());
  mc::pg::migrate(url_, "tradeledger", dir_.string());
  EXPECT_TRUE(table_exists("gateway.a"));
  EXPECT_TRUE(table_exists("tradeledger.a"));
}

TEST_F(Migrate, RejectsBadInput) {
  write("001_a.sql", "SELECT 1;");
  write("01_dup.sql", "SELECT 1;");
  EXPECT_THROW(mc::pg::migrate(url_, "svc", dir_.string()), std::runtime_error);  // version 1 twice
  EXPECT_THROW(mc::pg::migrate(url_, "svc", (dir_ / "missing").string()), std::runtime_error);
  EXPECT_THROW(mc::pg::migrate(url_, "bad-name; DROP", dir_.string()), std::runtime_error);
}

}  // namespace
