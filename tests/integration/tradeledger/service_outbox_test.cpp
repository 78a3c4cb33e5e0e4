// Outbox delivery across a Redis outage: orders placed while Redis is down are acknowledged
// (durability is PostgreSQL's job), and once Redis is back every event arrives, in seq order.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/redis/subscriber.h"
#include "service_support.h"
#include "support/test_env.h"

namespace mc::test::tl {
namespace {

namespace json = boost::json;

struct received {
  std::mutex mutex;
  std::vector<std::int64_t> seqs;  // arrival order, duplicates included
  std::set<std::string> order_ids;
};

TEST(ServiceOutbox, EventsArriveInOrderAfterRedisRestart) {
  auto cfg = test_config();
  cfg.house_liquidity = false;
  running_service s(cfg);
  const std::string user = new_uuid();
  ASSERT_EQ(s.post("/topups", topup_body(user, "100000.00"), unique_key()).status, 200);

  received got;
  redis::subscriber_options opts;
  opts.backoff_initial_ms = std::chrono::milliseconds(10);
  opts.backoff_max_ms = std::chrono::milliseconds(20);  // reconnect before the relay's backoff ends
  redis::subscriber sub(
      redis_url(),
      [&](std::string_view, std::string_view payload) {
        boost::system::error_code ec;
        json::value v = json::parse(payload, ec);
        if (ec || !v.is_object()) return;
        std::lock_guard lock(got.mutex);
        if (const auto* seq = v.get_object().if_contains("seq"); seq && seq->is_int64()) {
          got.seqs.push_back(seq->as_int64());
        }
        // {"seq","event":"order","order":{"order_id",...}} or {"seq","event":"fill","order_id",...}
        const json::object* holder = &v.get_object();
        if (const auto* o = holder->if_contains("order"); o && o->is_object())
          holder = &o->get_object();
        if (const auto* id = holder->if_contains("order_id"); id && id->is_string()) {
          got.order_ids.insert(std::string(id->as_string()));
        }
      },
      opts);
  sub.subscribe({"orders:" + user});
  ASSERT_TRUE(sub.wait_subscribed(std::chrono::seconds(5)));

  std::vector<std::string> placed;
  auto place = [&](int i) {
    reply r = s.post("/orders",
                     order_body(user, "BUY", "LIMIT", std::to_string(1000 + i) + ".00", "0.01"),
                     unique_key());
    ASSERT_EQ(r.status, 201) << r.body;
    placed.push_back(r.str("order_id"));
  };
  for (int i = 0; i < 3; ++i) place(i);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(got.mutex);
    return got.order_ids.size() >= 3;
  }));

  ASSERT_EQ(infra("stop-redis"), 0);
  for (int i = 3; i < 13; ++i) place(i);  // acknowledged while Redis is down
  ASSERT_EQ(s.del("/orders/" + placed[0] + "?user_id=" + user).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(infra("start-redis"), 0);

  ASSERT_TRUE(eventually(
      [&] {
        std::lock_guard lock(got.mutex);
        for (const auto& id : placed) {
          if (!got.order_ids.count(id)) return false;
        }
        return true;
      },
      20'000))
      << "events missing after the restart";

  std::lock_guard lock(got.mutex);
  // At least once: drop repeats of a seq already seen; what remains must be increasing.
  std::int64_t last = 0;
  std::size_t distinct = 0;
  for (std::int64_t seq : got.seqs) {
    if (seq <= last) continue;  // a duplicate delivery (at least once), never a gap-filler
    last = seq;
    ++distinct;
  }
  std::set<std::int64_t> unique(got.seqs.begin(), got.seqs.end());
  EXPECT_EQ(distinct, unique.size()) << "events arrived out of seq order";
}

}  // namespace
}  // namespace mc::test::tl
