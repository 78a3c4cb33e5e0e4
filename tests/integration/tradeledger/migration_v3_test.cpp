// Migration 003 on a database the v2 code wrote (tests/data/tradeledger/v2_fixture.sql: rows
// written through migrations 001+002 by the code before 003, with the answers it gave in
// v2_expected.tsv). After migrating, the audit is clean, the same facts read back through the
// new tables (balances, orders, fills, outbox events, idempotent outcomes), every read and
// every replay answers byte for byte what the v2 code answered, and trading goes on.
#include <pqxx/pqxx>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/pg/migrate.h"
#include "core_test_util.h"
#include "tradeledger/core/row_codec.h"

namespace mc::tradeledger::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every row of a query, each as its columns joined by '|', in the query's order.
std::vector<std::string> rows_of(const std::string& db, const std::string& sql) {
  pqxx::connection c(db);
  pqxx::nontransaction tx(c);
  std::vector<std::string> out;
  for (const auto& r : tx.exec(sql)) {
    std::string line;
    for (const auto& f : r) {
      line += f.is_null() ? "NULL" : f.c_str();
      line += '|';
    }
    out.push_back(std::move(line));
  }
  return out;
}

class MigrationV3 : public core_fixture {
 protected:
  void SetUp() override {
    core_fixture::SetUp();
    // The schema as the v2 code knew it: migrations 001 and 002 only.
    v2_dir_ = fs::temp_directory_path() / ("tl-v2-migrations-" + std::to_string(::getpid()));
    fs::create_directories(v2_dir_);
    for (const char* f : {"001_init.sql", "002_lean_write_path.sql"}) {
      fs::copy_file(mc::test::source_path(std::string("migrations/tradeledger/") + f), v2_dir_ / f,
                    fs::copy_options::overwrite_existing);
    }
    pg::migrate(db_, "tradeledger", v2_dir_.string());
    pqxx::connection c(db_);
    pqxx::work tx(c);
    // The dump carries these one-row tables' rows itself.
    tx.exec("DELETE FROM tradeledger.outbox_cursor; DELETE FROM tradeledger.persist_state");
    tx.exec(read_file(mc::test::source_path("tests/data/tradeledger/v2_fixture.sql")));
    tx.commit();
  }
  void TearDown() override {
    core_fixture::TearDown();
    fs::remove_all(v2_dir_);
  }

  fs::path v2_dir_;
};

constexpr const char* fill_sql =
    "SELECT trade_id, order_id, user_id, symbol, side, price, qty, fee, liquidity, ts "
    "FROM tradeledger.fills ORDER BY order_id, trade_id";
constexpr const char* order_sql =
    "SELECT id, public_id, user_id, symbol, side, type, time_in_force, post_only, price, qty, "
    "filled_qty, filled_notional, fee_units, held, status, reject_reason, client_order_id, "
    "created_at, updated_at FROM tradeledger.orders ORDER BY id";
constexpr const char* account_sql =
    "SELECT id, user_id, kind, asset, available, held FROM tradeledger.accounts ORDER BY id";

TEST_F(MigrationV3, ConvertsV2RowsAndAnswersTheSame) {
  // ---- before: what the v2 tables say ----
  const auto fills_before = rows_of(db_, fill_sql);
  const auto orders_before = rows_of(db_, order_sql);
  const auto accounts_before = rows_of(db_, account_sql);
  const auto ledger_before = rows_of(
      db_, "SELECT account_id, sum(amount) FROM tradeledger.postings GROUP BY 1 ORDER BY 1");
  const auto events_before =
      rows_of(db_, "SELECT seq, channel, payload FROM tradeledger.outbox ORDER BY seq");
  const auto outcomes_before =
      rows_of(db_,
              "SELECT user_id, key, request_hash, status, error_code, message, response "
              "FROM tradeledger.idempotency ORDER BY 1, 2");
  const auto v2_rows = rows_of(
      db_,
      "SELECT (SELECT count(*) FROM tradeledger.journal_entries) + (SELECT count(*) FROM "
      "tradeledger.postings) + (SELECT count(*) FROM tradeledger.fills) + (SELECT count(*) FROM "
      "tradeledger.outbox) + (SELECT count(*) FROM tradeledger.idempotency)");
  ASSERT_FALSE(fills_before.empty());
  ASSERT_FALSE(events_before.empty());

  pg::migrate(db_, "tradeledger", mc::test::source_path("migrations/tradeledger"));

  // ---- after: the same facts through the new tables ----
  const audit_report audit = run_audit(db_);
  EXPECT_TRUE(audit.ok()) << audit.text();
  EXPECT_EQ(rows_of(db_, fill_sql), fills_before);
  EXPECT_EQ(rows_of(db_, order_sql), orders_before);
  EXPECT_EQ(rows_of(db_, account_sql), accounts_before);
  EXPECT_EQ(rows_of(db_,
                    "SELECT account, sum(amount) FROM (SELECT credit_account AS account, amount "
                    "FROM tradeledger.transfers UNION ALL SELECT debit_account, -amount FROM "
                    "tradeledger.transfers) t GROUP BY 1 HAVING sum(amount) <> 0 ORDER BY 1"),
            ledger_before);
  EXPECT_EQ(
      rows_of(db_, "SELECT seq, channel, payload FROM tradeledger.outbox_events ORDER BY seq"),
      events_before);
  EXPECT_EQ(rows_of(db_,
                    "SELECT user_id, idempotency_key, request_hash, 201, '', '', response "
                    "FROM tradeledger.orders UNION ALL "
                    "SELECT a.user_id, t.topup_key, t.request_hash, 200, '', '', t.response "
                    "FROM tradeledger.transfers t JOIN tradeledger.accounts a "
                    "ON a.id = t.credit_account WHERE t.topup_key IS NOT NULL UNION ALL "
                    "SELECT user_id, key, request_hash, status, error_code, message, response "
                    "FROM tradeledger.idempotency ORDER BY 1, 2"),
            outcomes_before);
  const auto v3_rows = rows_of(
      db_,
      "SELECT (SELECT count(*) FROM tradeledger.transfers) + (SELECT count(*) FROM "
      "tradeledger.trades) + (SELECT count(*) FROM tradeledger.outbox) + (SELECT count(*) FROM "
      "tradeledger.idempotency)");
  EXPECT_LT(std::stol(v3_rows[0]), std::stol(v2_rows[0]));

  // ---- the service on the migrated database answers what the v2 code answered ----
  start(true);
  std::ifstream expected(mc::test::source_path("tests/data/tradeledger/v2_expected.tsv"));
  std::string line;
  int replays = 0, reads = 0;
  std::string seller_order, seller;
  while (std::getline(expected, line)) {
    const auto f = split_tabs(line);
    const std::string& kind = f[0];
    if (kind == "topup") {
      ASSERT_EQ(f.size(), 7u);
      const auto r = sync(core_->topup(topup_from(default_markets(), f[1], f[2], f[3], f[4]), {}));
      EXPECT_EQ(std::to_string(r.status), f[5]) << line;
      EXPECT_EQ(r.body, f[6]) << line;
      ++replays;
    } else if (kind == "place" || kind == "place_po") {
      ASSERT_EQ(f.size(), 11u);
      auto req = order_from(default_markets(), f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
      req.post_only = kind == "place_po";
      const auto r = place(req);
      EXPECT_EQ(std::to_string(r.status), f[9]) << line;
      EXPECT_EQ(r.body, f[10]) << line;
      ++replays;
    } else if (kind == "portfolio") {
      const auto r = sync(core_->portfolio(f[1], {}));
      EXPECT_EQ(r.body, f[3]) << line;
      ++reads;
    } else if (kind == "list" || kind == "list_open2") {
      const bool open = kind == "list_open2";
      const auto r = sync(
          core_->list_orders(list_orders_query{f[1], open ? order_filter::open : order_filter::all,
                                               "", open ? 2 : 500, ""},
                             {}));
      EXPECT_EQ(r.body, f[3]) << line;
      ++reads;
    } else if (kind == "get") {
      const auto r = get(f[1], f[2]);
      EXPECT_EQ(r.body, f[4]) << line;
      ++reads;
      // A resting, partly filled sell of the v2 data: the next trade's maker.
      if (r.body.find("\"status\":\"PARTIALLY_FILLED\"") != std::string::npos &&
          r.body.find("\"side\":\"SELL\"") != std::string::npos) {
        seller = f[1];
        seller_order = f[2];
      }
    }
  }
  EXPECT_GE(replays, 20);
  EXPECT_GE(reads, 20);
  // Replays applied nothing.
  EXPECT_EQ(rows_of(db_, account_sql), accounts_before);

  // ---- and trading goes on against the migrated rows ----
  ASSERT_FALSE(seller_order.empty());
  const auto before = json_of(get(seller, seller_order));
  const auto buyer = new_user();
  topup(buyer, "100000.00");
  const auto bought = json_of(limit(buyer, "BUY", "50100.00", "0.01"));
  EXPECT_EQ(str(bought.at("status")), "FILLED");
  const auto after = json_of(get(seller, seller_order));
  EXPECT_EQ(after.at("fills").as_array().size(), before.at("fills").as_array().size() + 1);
  core_->stop();
  core_.reset();
  start(true);  // recovery over old and new rows alike
  EXPECT_EQ(json_of(get(seller, seller_order)), after);
  // TearDown runs the audit once more.
}

}  // namespace
}  // namespace mc::tradeledger::test
