// candle_store against a real Redis: closed candles appended and trimmed, the open candle
// replaced in the hash, and what was pending while Redis was unreachable kept for later.
#include "quotes/candle_store.h"

#include <gtest/gtest.h>

#include <atomic>

#include "common/redis/client.h"
#include "support/test_env.h"

namespace mc::quotes {
namespace {

struct candle_store_fixture : ::testing::Test {
  std::string prefix;
  redis::client redis{test::redis_url()};

  candle_store_fixture() {
    static std::atomic<int> n{0};
    prefix = "candle-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ":";
  }
  candle_store_options options(const std::string& url) {
    candle_store_options o;
    o.redis_url = url;
    o.key_prefix = prefix;
    o.open_key = prefix + "open";
    o.history_max = 3;
    o.command_timeout_ms = std::chrono::milliseconds{300};
    return o;
  }
  std::vector<std::string> list(const std::string& series) {
    std::vector<std::string> out;
    for (const auto& e : redis.command({"LRANGE", prefix + series, "0", "-1"}).elements) {
      out.push_back(e.str);
    }
    return out;
  }
  ~candle_store_fixture() override {
    redis.command({"DEL", prefix + "BTC-USD:1m", prefix + "open"});
  }
};

candle_update closed(int64_t t) {
  return {"BTC-USD", candle_interval::m1, candle{t, 100, 110, 90, 105, 4}, true};
}

TEST_F(candle_store_fixture, ClosedCandlesAppendAndTrimOpenCandleIsReplaced) {
  candle_store store(options(test::redis_url()));
  std::vector<candle_update> batch;
  for (int64_t t = 60; t <= 300; t += 60) batch.push_back(closed(t));
  batch.push_back({"BTC-USD", candle_interval::m1, candle{360, 1, 1, 1, 1, 1}, false});
  batch.push_back({"BTC-USD", candle_interval::m1, candle{360, 1, 2, 1, 2, 2}, false});
  store.put(batch);
  ASSERT_TRUE(store.flush());
  EXPECT_EQ(list("BTC-USD:1m"),
            (std::vector<std::string>{to_json(closed(180).c), to_json(closed(240).c),
                                      to_json(closed(300).c)}));
  auto open = redis.command({"HGET", prefix + "open", "BTC-USD:1m"});
  EXPECT_EQ(open.str, to_json(candle{360, 1, 2, 1, 2, 2}));
}

TEST_F(candle_store_fixture, ClosedCandlesWaitWhileRedisIsUnreachable) {
  // A port nobody listens on: every flush fails and keeps the closed candles for the next.
  candle_store store(options("redis://127.0.0.1:" + std::to_string(test::free_port())));
  store.put({closed(60), closed(120)});
  EXPECT_FALSE(store.flush());
  EXPECT_EQ(store.pending_closed(), 2u);
  store.put({closed(180)});
  EXPECT_FALSE(store.flush());
  EXPECT_EQ(store.pending_closed(), 3u);
}

}  // namespace
}  // namespace mc::quotes
