// async_client's pipelined connections against the test Redis: many calls in flight on one
// connection each get their own reply, a call that outlives its timeout drops the connection
// without handing its late reply to the next call, the client runs on a caller's executor, and
// spread over event loops a call goes out on its own loop's connection.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/io/event_loops.h"
#include "common/redis/async_client.h"
#include "common/redis/client.h"
#include "support/test_env.h"

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using mc::redis::reply;
using mc::redis::reply_type;

std::string key(const std::string& name) {
  static const std::string prefix = "test:pipe:" + std::to_string(std::random_device{}()) + ":";
  return prefix + name;
}

// One coroutine's SET then GET of its own key: with every call of every coroutine on one
// connection, a reply matched to the wrong request shows up as a wrong value.
class set_then_get {
 public:
  set_then_get(mc::redis::async_client& rc, int i, std::atomic<int>& matched)
      : rc_(rc), i_(i), matched_(matched) {}

  net::awaitable<void> run() {
    std::vector<std::string> set{"SET", key("k" + std::to_string(i_)), "v" + std::to_string(i_)};
    auto s = rc_.command(std::move(set));
    const reply set_reply = co_await std::move(s);
    std::vector<std::string> get{"GET", key("k" + std::to_string(i_))};
    auto g = rc_.command(std::move(get));
    const reply got = co_await std::move(g);
    if (set_reply.type == reply_type::status && got.type == reply_type::string &&
        got.str == "v" + std::to_string(i_)) {
      ++matched_;
    }
  }

 private:
  mc::redis::async_client& rc_;
  int i_;
  std::atomic<int>& matched_;
};

TEST(RedisPipelined, OneConnectionMatchesEveryReplyToItsRequest) {
  net::io_context io;
  mc::redis::async_client_options opts;
  opts.connections = 1;
  // On the caller's executor; its connection keeps io busy until the client is destroyed.
  std::optional<mc::redis::async_client> rc;
  rc.emplace(io.get_executor(), mc::test::redis_url(), opts);
  constexpr int coroutines = 300;
  std::atomic<int> matched{0};
  std::atomic<int> failures{0};
  int finished = 0;
  std::size_t queued_at_end = 1;
  std::vector<std::unique_ptr<set_then_get>> tasks;
  for (int i = 0; i < coroutines; ++i) {
    tasks.push_back(std::make_unique<set_then_get>(*rc, i, matched));
    net::co_spawn(io, tasks.back()->run(), [&](std::exception_ptr e) {
      if (e) ++failures;
      if (++finished < coroutines) return;
      queued_at_end = rc->stats().queued;
      rc.reset();
    });
  }
  io.run();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(matched, coroutines);
  EXPECT_EQ(queued_at_end, 0u);
}

// A fire-and-forget write, then a read with the same affinity: the read must see the write,
// however busy the other connections are (least-busy picking would let it overtake).
class send_then_read {
 public:
  send_then_read(mc::redis::async_client& rc, int i, std::atomic<int>& ordered)
      : rc_(rc), i_(i), ordered_(ordered) {}

  net::awaitable<void> run() {
    const std::string k = key("ordered" + std::to_string(i_));
    const std::size_t affinity = std::hash<std::string>{}(k);
    std::vector<std::string> set{"SET", k, "first"};
    rc_.send_on(set, affinity);
    std::vector<std::string> overwrite{"SET", k, "second"};
    rc_.send_on(overwrite, affinity);
    std::vector<std::string> get{"GET", k};
    auto g = rc_.command_on(std::move(get), affinity);
    const reply got = co_await std::move(g);
    if (got.type == reply_type::string && got.str == "second") ++ordered_;
  }

 private:
  mc::redis::async_client& rc_;
  int i_;
  std::atomic<int>& ordered_;
};

TEST(RedisPipelined, SameAffinityRunsInSubmissionOrder) {
  net::io_context io;
  mc::redis::async_client_options opts;
  opts.connections = 4;
  std::optional<mc::redis::async_client> rc;
  rc.emplace(io.get_executor(), mc::test::redis_url(), opts);
  constexpr int coroutines = 400;
  std::atomic<int> ordered{0};
  int finished = 0;
  std::vector<std::unique_ptr<send_then_read>> tasks;
  for (int i = 0; i < coroutines; ++i) {
    tasks.push_back(std::make_unique<send_then_read>(*rc, i, ordered));
    net::co_spawn(io, tasks.back()->run(), [&](std::exception_ptr) {
      if (++finished == coroutines) rc.reset();
    });
  }
  io.run();
  EXPECT_EQ(ordered, coroutines);
}

// Runs BLPOP for longer than the command timeout, then PING on the same (only) connection.
class timeout_then_ping {
 public:
  explicit timeout_then_ping(mc::redis::async_client& rc) : rc_(rc) {}

  net::awaitable<void> run() {
    std::vector<std::string> blpop{"BLPOP", key("never"), "2"};
    auto b = rc_.command(std::move(blpop));
    timed_out = co_await std::move(b);
    std::vector<std::string> push{"RPUSH", key("never"), "late"};
    auto p = rc_.command(std::move(push));
    after = co_await std::move(p);
  }

  reply timed_out, after;

 private:
  mc::redis::async_client& rc_;
};

TEST(RedisPipelined, TimedOutCallDropsTheConnectionAndTheNextCallGetsItsOwnReply) {
  mc::redis::async_client_options opts;
  opts.connections = 1;
  opts.queue_wait_ms = 0ms;
  opts.client.command_timeout_ms = 300ms;
  mc::redis::async_client rc(mc::test::redis_url(), opts);  // the client's own thread
  net::io_context io;
  timeout_then_ping t(rc);
  const auto start = std::chrono::steady_clock::now();
  net::co_spawn(io, t.run(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(t.timed_out.connection_error) << t.timed_out.str;
  EXPECT_LT(took, 1500ms);  // the timeout, not BLPOP's two seconds
  // The RPUSH ran on a new connection and got its own answer (the list length), not the
  // abandoned BLPOP's reply.
  ASSERT_EQ(t.after.type, reply_type::integer) << t.after.str;
  EXPECT_EQ(t.after.integer, 1);
  mc::redis::client c(mc::test::redis_url());
  c.command({"DEL", key("never")});
}

// CLIENT ID names the connection a call went out on.
net::awaitable<long long> connection_id(mc::redis::async_client& rc) {
  std::vector<std::string> cmd{std::string("CLIENT"), std::string("ID")};
  auto call = rc.command(std::move(cmd));
  const reply r = co_await std::move(call);
  co_return r.type == reply_type::integer ? r.integer : -1;
}

TEST(RedisPipelined, OverEventLoopsACallGoesOutOnItsOwnLoopsConnection) {
  mc::io::event_loops loops(2);
  struct running {  // stops the loops and joins their thread however the test ends
    explicit running(mc::io::event_loops& l) : loops(l), thread([this] { loops.run(); }) {}
    ~running() {
      loops.stop();
      thread.join();
    }
    mc::io::event_loops& loops;
    std::thread thread;
  } run(loops);
  mc::redis::async_client_options opts;
  opts.connections = 1;  // still one per loop
  std::optional<mc::redis::async_client> rc;
  rc.emplace(loops.executors(), mc::test::redis_url(), opts);
  const auto executors = loops.executors();
  std::vector<std::set<long long>> ids(executors.size());
  // Two calls in a row from each loop: a pick that ignored the caller's loop (round-robin
  // over idle connections) would send them out on both connections.
  for (int round = 0; round < 5; ++round) {
    for (std::size_t l = 0; l < executors.size(); ++l) {
      for (int call = 0; call < 2; ++call) {
        auto fut = net::co_spawn(executors[l], connection_id(*rc), net::use_future);
        ASSERT_EQ(fut.wait_for(std::chrono::seconds(5)), std::future_status::ready);
        ids[l].insert(fut.get());
      }
    }
  }
  rc.reset();  // closes the connections before the loops stop
  ASSERT_EQ(ids[0].size(), 1u) << "loop 0's calls used more than one connection";
  ASSERT_EQ(ids[1].size(), 1u) << "loop 1's calls used more than one connection";
  EXPECT_GT(*ids[0].begin(), 0);
  EXPECT_NE(*ids[0].begin(), *ids[1].begin()) << "both loops shared one connection";
}

}  // namespace
