// Outbox relay against real Redis: events arrive in seq order without gaps; while Redis is
// down rows wait in the outbox, and after it returns they are published in order. Rows the
// relay was not handed in memory (written before it started, or dropped by its memory cap)
// come from the table, in their place in the sequence.
#include "core_test_util.h"

#include <chrono>
#include <map>
#include <set>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "common/pg/migrate.h"
#include "common/redis/subscriber.h"
#include "tradeledger/core/outbox_relay.h"

namespace mc::tradeledger::test {
namespace {

using namespace std::chrono_literals;
using CoreOutbox = core_fixture;

// Everything published on the watched patterns. The test Redis is shared, so events of other
// databases' relays may show up too: own() keeps only those that are this database's rows
// (same seq AND same payload as its outbox), in arrival order.
struct collector {
  std::mutex mutex;
  std::vector<std::pair<std::int64_t, std::string>> events;  // (seq, payload)
  std::vector<std::string> channels;

  void on(std::string_view channel, std::string_view payload) {
    const auto v = boost::json::parse(payload).as_object();
    std::lock_guard lock(mutex);
    events.emplace_back(v.at("seq").as_int64(), std::string(payload));
    channels.emplace_back(channel);
  }
  std::vector<std::int64_t> own(const std::string& db) {
    pqxx::connection conn(db);
    pqxx::work tx(conn);
    std::map<std::int64_t, std::string> rows;
    for (const auto& r : tx.exec("SELECT seq, payload FROM tradeledger.outbox_events")) {
      rows.emplace(r[0].as<std::int64_t>(), r[1].as<std::string>());
    }
    std::lock_guard lock(mutex);
    std::vector<std::int64_t> out;
    for (const auto& [seq, payload] : events) {
      auto it = rows.find(seq);
      if (it != rows.end() && it->second == payload) out.push_back(seq);
    }
    return out;
  }
  // Waits until the newest of this database's events seen reaches `seq`.
  bool wait_for(const std::string& db, std::int64_t seq, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      const auto seen = own(db);
      if (!seen.empty() && seen.back() >= seq) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

std::int64_t max_seq(const std::string& db, bool unpublished_only = false) {
  pqxx::connection conn(db);
  pqxx::work tx(conn);
  return tx
      .exec1(std::string("SELECT coalesce(max(seq), 0) FROM tradeledger.outbox_events") +
             (unpublished_only
                  ? " WHERE seq > (SELECT published_seq FROM tradeledger.outbox_cursor)"
                  : ""))[0]
      .as<std::int64_t>();
}

void expect_contiguous(const std::vector<std::int64_t>& s) {
  for (std::size_t i = 1; i < s.size(); ++i) ASSERT_EQ(s[i], s[i - 1] + 1) << "at " << i;
}

TEST_F(CoreOutbox, PublishesInOrderAndSurvivesRedisRestart) {
  collector got;
  mc::redis::subscriber_options so;
  so.backoff_max_ms = 100ms;
  mc::redis::subscriber sub(
      mc::test::redis_url(), [&](std::string_view c, std::string_view p) { got.on(c, p); }, so);
  sub.psubscribe({"orders:*", "trades:*"});
  ASSERT_TRUE(sub.wait_subscribed(5s));

  auto cfg = make_config(false);
  cfg.redis_url = mc::test::redis_url();
  cfg.subscribe_quotes = false;
  cfg.outbox_backoff_max_ms = 500ms;
  start_with(cfg);
  const auto a = new_user(), b = new_user();
  topup(a, "100000.00");
  topup(b, "1", "BTC");
  limit(a, "BUY", "50000.00", "0.01");
  limit(b, "SELL", "50000.00", "0.004");
  ASSERT_TRUE(got.wait_for(db_, max_seq(db_), 10s));
  auto seen = got.own(db_);
  ASSERT_GE(seen.size(), 6u);  // order, trade, 2 fills, 2 order updates
  EXPECT_EQ(seen.front(), 1);
  expect_contiguous(seen);
  {
    std::lock_guard lock(got.mutex);
    EXPECT_NE(std::find(got.channels.begin(), got.channels.end(), "trades:BTC-USD"),
              got.channels.end());
    EXPECT_NE(std::find(got.channels.begin(), got.channels.end(), "orders:" + a),
              got.channels.end());
  }
  const std::int64_t before_outage = seen.back();

  ASSERT_EQ(mc::test::infra("stop-redis"), 0);
  for (int i = 0; i < 5; ++i) limit(b, "SELL", "50000.00", "0.001");  // commits without Redis
  const std::int64_t last = max_seq(db_);
  EXPECT_GT(last, before_outage);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(max_seq(db_, true), last);  // waiting in the outbox, nothing skipped
  ASSERT_EQ(mc::test::infra("start-redis"), 0);
  ASSERT_TRUE(sub.wait_subscribed(10s));

  // Every row gets published, in order. (Pub/Sub drops what is sent before a subscriber is
  // back, so the subscriber may miss the head of the backlog, but never a row in the middle.)
  const auto until = std::chrono::steady_clock::now() + 15s;
  while (max_seq(db_, true) != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(max_seq(db_, true), 0);
  limit(b, "SELL", "50000.00", "0.001");  // one more event after the outage
  ASSERT_TRUE(got.wait_for(db_, max_seq(db_), 10s));
  seen = got.own(db_);
  // Delivery is at least once: a relay round that failed half-way (Redis answers LOADING while
  // it reads its append-only file back) is sent again whole, and consumers drop the seqs they
  // have seen. What must hold is that the first deliveries leave no gap.
  std::vector<std::int64_t> after;
  std::set<std::int64_t> delivered;
  for (auto it = std::find(seen.begin(), seen.end(), before_outage) + 1; it < seen.end(); ++it) {
    if (*it > before_outage && delivered.insert(*it).second) after.push_back(*it);
  }
  ASSERT_FALSE(after.empty());
  expect_contiguous(after);
  EXPECT_EQ(after.back(), max_seq(db_));
  EXPECT_EQ(core_->outbox_published(), static_cast<std::uint64_t>(max_seq(db_)));
}

// A relay over a fresh table holding rows 1..`committed`, with `offered` ranges handed over in
// memory before it starts. Publishes everything and returns the rows it read back from the
// table.
struct relay_run {
  std::vector<std::int64_t> seen;
  std::uint64_t read_back = 0;
  std::int64_t cursor = 0;
};

relay_run run_relay(int committed, const std::vector<std::pair<int, int>>& offered,
                    std::size_t memory_rows_max) {
  const std::string db = mc::test::fresh_database();
  pg::migrate(db, "tradeledger", mc::test::source_path("migrations/tradeledger"));
  const std::string channel =
      "orders:relay-test-" + std::to_string(::getpid()) + "-" + std::to_string(memory_rows_max);
  {
    pqxx::connection c(db);
    pqxx::work tx(c);
    // Three events per row (one command's), so reads of 4 start inside a row.
    tx.exec(
        "INSERT INTO tradeledger.outbox (seq, channels, payloads) SELECT min(g), "
        "array_agg(" +
        tx.quote(channel) +
        "::text ORDER BY g), "
        "array_agg('{\"seq\":' || g || '}' ORDER BY g) FROM generate_series(1, " +
        std::to_string(committed) + ") g GROUP BY (g - 1) / 3");
    tx.commit();
  }
  collector got;
  mc::redis::subscriber sub(mc::test::redis_url(),
                            [&](std::string_view c, std::string_view p) { got.on(c, p); });
  sub.subscribe({channel});
  EXPECT_TRUE(sub.wait_subscribed(5s));

  outbox_relay_config rc;
  rc.postgres_url = db;
  rc.redis_url = mc::test::redis_url();
  rc.batch_max = 4;  // several rounds
  rc.memory_rows_max = memory_rows_max;
  auto& read_back = metrics::default_registry().counter("tradeledger_outbox_read_back_total", "");
  const std::uint64_t read_before = read_back.value();
  outbox_relay relay(rc);
  for (const auto& [from, to] : offered) {
    std::vector<outbox_row> rows;
    for (int s = from; s <= to; ++s) {
      rows.push_back(outbox_row{s, channel, "{\"seq\":" + std::to_string(s) + "}"});
    }
    relay.offer(std::move(rows));
  }
  relay.start();
  EXPECT_TRUE(got.wait_for(db, committed, 10s));
  relay.stop(5s);
  EXPECT_EQ(relay.published(), static_cast<std::uint64_t>(committed));
  pqxx::connection c(db);
  pqxx::nontransaction tx(c);
  return {got.own(db), read_back.value() - read_before,
          tx.exec1("SELECT published_seq FROM tradeledger.outbox_cursor")[0].as<std::int64_t>()};
}

TEST(OutboxRelay, MemoryContinuesWhereTheTableLeavesOff) {
  // 1..10 committed before the relay started (table only); 11..20 handed over in memory.
  const relay_run r = run_relay(20, {{11, 20}}, 100);
  ASSERT_EQ(r.seen.size(), 20u);
  EXPECT_EQ(r.seen.front(), 1);
  expect_contiguous(r.seen);
  EXPECT_EQ(r.read_back, 12u);  // rounds of 4 from the table up to 12; 13..20 from memory
  EXPECT_EQ(r.cursor, 20);
}

TEST(OutboxRelay, RowsBeyondTheMemoryCapComeFromTheTable) {
  // The second hand-over overflows a 12-row memory: it is dropped, the table has every row.
  const relay_run r = run_relay(30, {{11, 20}, {21, 30}}, 12);
  ASSERT_EQ(r.seen.size(), 30u);
  EXPECT_EQ(r.seen.front(), 1);
  expect_contiguous(r.seen);
  EXPECT_EQ(r.read_back, 30u);
  EXPECT_EQ(r.cursor, 30);
}

}  // namespace
}  // namespace mc::tradeledger::test
