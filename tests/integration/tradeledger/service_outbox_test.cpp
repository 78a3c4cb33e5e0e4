// Outbox delivery across a Redis outage: orders placed while Redis is down are acknowledged
// (durability is PostgreSQL's job), and once Redis is back every event is in the order-event
// stream, in seq order — read by a consumer that connects only after all of it happened, so
// nothing depends on who reconnects first.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/redis/stream_reader.h"
#include "service_support.h"
#include "support/test_env.h"

namespace mc::test::tl {
namespace {

namespace json = boost::json;

struct received {
  std::mutex mutex;
  std::vector<std::int64_t> seqs;  // arrival order, duplicates included
  std::set<std::string> order_ids;

  void take(const redis::stream_entry& e, const std::string& channel) {
    if (e.channel != channel) return;  // every user's order events share the stream
    boost::system::error_code ec;
    json::value v = json::parse(e.payload, ec);
    if (ec || !v.is_object()) return;
    std::lock_guard lock(mutex);
    seqs.push_back(e.seq);
    // {"seq","event":"order","order":{"order_id",...}} or {"seq","event":"fill","order_id",...}
    const json::object* holder = &v.get_object();
    if (const auto* o = holder->if_contains("order"); o && o->is_object())
      holder = &o->get_object();
    if (const auto* id = holder->if_contains("order_id"); id && id->is_string()) {
      order_ids.insert(std::string(id->as_string()));
    }
  }
  bool has_all(const std::vector<std::string>& ids) {
    std::lock_guard lock(mutex);
    for (const auto& id : ids) {
      if (!order_ids.count(id)) return false;
    }
    return true;
  }
};

TEST(ServiceOutbox, EventsArriveInOrderAfterRedisRestart) {
  auto cfg = test_config();
  cfg.house_liquidity = false;
  running_service s(cfg);
  const std::string user = new_uuid();
  ASSERT_EQ(s.post("/topups", topup_body(user, "100000.00"), unique_key()).status, 200);

  std::vector<std::string> placed;
  auto place = [&](int i) {
    reply r = s.post("/orders",
                     order_body(user, "BUY", "LIMIT", std::to_string(1000 + i) + ".00", "0.01"),
                     unique_key());
    ASSERT_EQ(r.status, 201) << r.body;
    placed.push_back(r.str("order_id"));
  };
  for (int i = 0; i < 3; ++i) place(i);
  ASSERT_EQ(infra("stop-redis"), 0);
  for (int i = 3; i < 13; ++i) place(i);  // acknowledged while Redis is down
  ASSERT_EQ(s.del("/orders/" + placed[0] + "?user_id=" + user).status, 200);
  ASSERT_EQ(infra("start-redis"), 0);

  // A consumer that starts late, from the beginning of the stream, still gets everything.
  received got;
  const std::string channel = "orders:" + user;
  redis::stream_reader reader(redis_url(), "events:orders", "0",
                              [&](const std::vector<redis::stream_entry>& batch) {
                                for (const auto& e : batch) got.take(e, channel);
                              });
  ASSERT_TRUE(eventually([&] { return got.has_all(placed); }, 20'000))
      << "events missing after the restart";

  std::lock_guard lock(got.mutex);
  // At least once: drop repeats of a seq already seen; what remains must be increasing.
  std::int64_t last = 0;
  std::size_t distinct = 0;
  for (std::int64_t seq : got.seqs) {
    if (seq <= last) continue;  // a repeated delivery (at least once), never a gap-filler
    last = seq;
    ++distinct;
  }
  std::set<std::int64_t> unique(got.seqs.begin(), got.seqs.end());
  EXPECT_EQ(distinct, unique.size()) << "events arrived out of seq order";
  EXPECT_EQ(reader.gaps(), 0u);
}

}  // namespace
}  // namespace mc::test::tl
