// mc::redis::subscriber against the test Redis: delivery for channels and patterns, dynamic
// (un)subscribe, resubscription after a Redis restart, prompt stop.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "common/redis/client.h"
#include "common/redis/subscriber.h"
#include "support/test_env.h"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::string name(const std::string& suffix) {
  static const std::string prefix = "test:" + std::to_string(std::random_device{}()) + ":";
  return prefix + suffix;
}

// Collects messages from the subscriber thread; tests wait on it with a bound.
class inbox {
 public:
  mc::redis::subscriber::message_handler handler() {
    return [this](std::string_view channel, std::string_view payload) {
      {
        std::lock_guard lock(mutex_);
        messages_.emplace_back(std::string(channel), std::string(payload));
      }
      cv_.notify_all();
    };
  }
  bool wait_for(const std::string& channel, const std::string& payload,
                std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return has(channel, payload); });
  }
  bool contains(const std::string& channel, const std::string& payload) {
    std::lock_guard lock(mutex_);
    return has(channel, payload);
  }

 private:
  bool has(const std::string& channel, const std::string& payload) const {
    for (const auto& m : messages_) {
      if (m.first == channel && m.second == payload) return true;
    }
    return false;
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, std::string>> messages_;
};

TEST(RedisSubscriber, ReceivesChannelAndPatternMessages) {
  inbox box;
  mc::redis::subscriber sub(mc::test::redis_url(), box.handler());
  sub.subscribe({name("quotes:BTC-USD")});
  sub.psubscribe({name("orders:*")});
  ASSERT_TRUE(sub.wait_subscribed(5s));
  EXPECT_TRUE(sub.connected());

  mc::redis::client pub(mc::test::redis_url());
  EXPECT_EQ(pub.command({"PUBLISH", name("quotes:BTC-USD"), "q1"}).integer, 1);
  EXPECT_EQ(pub.command({"PUBLISH", name("orders:42"), "o1"}).integer, 1);
  EXPECT_EQ(pub.command({"PUBLISH", name("other"), "x"}).integer, 0);
  EXPECT_TRUE(box.wait_for(name("quotes:BTC-USD"), "q1", 5s));
  EXPECT_TRUE(box.wait_for(name("orders:42"), "o1", 5s));  // concrete channel, not the pattern
  EXPECT_EQ(sub.messages(), 2u);
  EXPECT_EQ(sub.reconnects(), 0u);
}

TEST(RedisSubscriber, SubscriptionsCanChangeWhileConnected) {
  inbox box;
  mc::redis::subscriber sub(mc::test::redis_url(), box.handler());
  sub.subscribe({name("a")});
  ASSERT_TRUE(sub.wait_subscribed(5s));
  sub.subscribe({name("b")});
  ASSERT_TRUE(sub.wait_subscribed(5s));
  mc::redis::client pub(mc::test::redis_url());
  EXPECT_EQ(pub.command({"PUBLISH", name("b"), "1"}).integer, 1);
  EXPECT_TRUE(box.wait_for(name("b"), "1", 5s));

  sub.unsubscribe({name("a")});
  // Redis answers in order: once "b2" arrives, the unsubscribe of "a" has been processed.
  const auto deadline = clock_type::now() + 5s;
  while (pub.command({"PUBSUB", "NUMSUB", name("a")}).elements.at(1).integer != 0) {
    ASSERT_LT(clock_type::now(), deadline);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(pub.command({"PUBLISH", name("a"), "late"}).integer, 0);
  EXPECT_EQ(pub.command({"PUBLISH", name("b"), "2"}).integer, 1);
  EXPECT_TRUE(box.wait_for(name("b"), "2", 5s));
  EXPECT_FALSE(box.contains(name("a"), "late"));
}

TEST(RedisSubscriber, ResubscribesByItselfAfterRedisRestart) {
  inbox box;
  mc::redis::subscriber sub(mc::test::redis_url(), box.handler());
  sub.subscribe({name("c")});
  sub.psubscribe({name("p:*")});
  ASSERT_TRUE(sub.wait_subscribed(5s));

  ASSERT_EQ(mc::test::infra("stop-redis"), 0);
  auto deadline = clock_type::now() + 5s;
  while (sub.connected() && clock_type::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(sub.connected());
  ASSERT_EQ(mc::test::infra("start-redis"), 0);

  // Publish until the subscriber is back; messages sent before it resubscribes are lost.
  mc::redis::client pub(mc::test::redis_url());
  deadline = clock_type::now() + 15s;
  bool channel_ok = false;
  bool pattern_ok = false;
  for (int i = 0; (!channel_ok || !pattern_ok) && clock_type::now() < deadline; ++i) {
    pub.command({"PUBLISH", name("c"), "after" + std::to_string(i)});
    pub.command({"PUBLISH", name("p:1"), "after" + std::to_string(i)});
    channel_ok = channel_ok || box.wait_for(name("c"), "after" + std::to_string(i), 50ms);
    pattern_ok = pattern_ok || box.wait_for(name("p:1"), "after" + std::to_string(i), 50ms);
  }
  EXPECT_TRUE(channel_ok);
  EXPECT_TRUE(pattern_ok);
  EXPECT_TRUE(sub.connected());
  EXPECT_GE(sub.reconnects(), 1u);
}

TEST(RedisSubscriber, StopIsPromptWhenIdleAndWhenRedisIsDown) {
  {
    inbox box;
    mc::redis::subscriber sub(mc::test::redis_url(), box.handler());
    sub.subscribe({name("idle")});
    ASSERT_TRUE(sub.wait_subscribed(5s));
    auto t0 = clock_type::now();
    sub.stop();
    EXPECT_LT(clock_type::now() - t0, 200ms);
    EXPECT_FALSE(sub.connected());
    sub.stop();  // idempotent
  }
  {
    inbox box;
    mc::redis::subscriber_options opts;
    opts.backoff_max_ms = 2000ms;
    mc::redis::subscriber sub("redis://127.0.0.1:" + std::to_string(mc::test::free_port()),
                              box.handler(), opts);
    sub.subscribe({name("never")});
    EXPECT_FALSE(sub.wait_subscribed(1500ms));  // backing off by now
    EXPECT_FALSE(sub.connected());
    auto t0 = clock_type::now();
    sub.stop();
    EXPECT_LT(clock_type::now() - t0, 200ms);
  }
}

TEST(RedisSubscriber, ThrowingCallbackDoesNotStopDelivery) {
  std::atomic<int> calls{0};
  mc::redis::subscriber sub(mc::test::redis_url(), [&](std::string_view, std::string_view) {
    ++calls;
    throw std::runtime_error("handler bug");
  });
  sub.subscribe({name("throw")});
  ASSERT_TRUE(sub.wait_subscribed(5s));
  mc::redis::client pub(mc::test::redis_url());
  pub.command({"PUBLISH", name("throw"), "1"});
  pub.command({"PUBLISH", name("throw"), "2"});
  const auto deadline = clock_type::now() + 5s;
  while (calls < 2 && clock_type::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(sub.connected());
}

}  // namespace
