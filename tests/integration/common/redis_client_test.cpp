// mc::redis::client and async_client against the test Redis: commands, pipelines, scripts
// with the NOSCRIPT fallback, timeouts and reconnects, coroutine use.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "common/redis/async_client.h"
#include "common/redis/client.h"
#include "support/test_env.h"

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using mc::redis::reply_type;

// Keys are unique per test run so tests never see each other's data.
std::string key(const std::string& name) {
  static const std::string prefix = "test:" + std::to_string(std::random_device{}()) + ":";
  return prefix + name;
}

void run_io(net::io_context& io, int threads) {
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}

TEST(RedisUrl, Parses) {
  auto a = mc::redis::parse_url("redis://127.0.0.1:6380");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 0);
  auto b = mc::redis::parse_url("redis://:p%40ss@cache.local/3");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "cache.local");
  EXPECT_EQ(b->port, 6379);
  EXPECT_EQ(b->db, 3);
  EXPECT_EQ(b->password, "p@ss");
  auto c = mc::redis::parse_url("redis://[::1]:7000/1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 7000);
  EXPECT_FALSE(mc::redis::parse_url("http://localhost:6379"));
  EXPECT_FALSE(mc::redis::parse_url("redis://host:notaport"));
  EXPECT_FALSE(mc::redis::parse_url("redis://host:70000"));
  EXPECT_FALSE(mc::redis::parse_url("redis://host/x"));
  EXPECT_FALSE(mc::redis::parse_url("redis://"));
  EXPECT_THROW(mc::redis::client("localhost:6379"), std::invalid_argument);
}

TEST(RedisClient, CommandsAndReplyTypes) {
  mc::redis::client c(mc::test::redis_url());
  auto set = c.command({"SET", key("a"), std::string("x\0y", 3)});
  EXPECT_EQ(set.type, reply_type::status);
  EXPECT_EQ(set.str, "OK");
  auto get = c.command({"GET", key("a")});
  EXPECT_EQ(get.type, reply_type::string);
  EXPECT_EQ(get.str, std::string("x\0y", 3));  // binary-safe
  EXPECT_TRUE(c.command({"GET", key("missing")}).is_nil());
  auto incr = c.command({"INCRBY", key("n"), "5"});
  EXPECT_EQ(incr.type, reply_type::integer);
  EXPECT_EQ(incr.integer, 5);
  c.command({"RPUSH", key("l"), "1", "2"});
  auto range = c.command({"LRANGE", key("l"), "0", "-1"});
  ASSERT_EQ(range.type, reply_type::array);
  ASSERT_EQ(range.elements.size(), 2u);
  EXPECT_EQ(range.elements[1].str, "2");
  auto wrong = c.command({"INCR", key("l")});
  EXPECT_EQ(wrong.type, reply_type::error);
  EXPECT_FALSE(wrong.ok());
  EXPECT_FALSE(wrong.connection_error);
  EXPECT_TRUE(c.ping());  // the error did not break the connection
  EXPECT_FALSE(c.command({}).ok());
  c.command({"DEL", key("a"), key("n"), key("l")});
}

TEST(RedisClient, PipelineReturnsOneReplyPerCommandInOrder) {
  mc::redis::client c(mc::test::redis_url());
  std::vector<std::vector<std::string>> cmds;
  constexpr int n = 200;
  for (int i = 0; i < n; ++i) cmds.push_back({"INCR", key("p")});
  cmds.push_back({"GET", key("p")});
  cmds.push_back({"DEL", key("p")});
  auto replies = c.pipeline(cmds);
  ASSERT_EQ(replies.size(), cmds.size());
  for (int i = 0; i < n; ++i) EXPECT_EQ(replies[i].integer, i + 1);
  EXPECT_EQ(replies[n].str, std::to_string(n));
  EXPECT_EQ(replies[n + 1].integer, 1);
  EXPECT_TRUE(c.pipeline({}).empty());
}

TEST(RedisClient, EvalShaFallsBackToEvalAfterScriptFlush) {
  mc::redis::client c(mc::test::redis_url());
  mc::redis::script incr_by("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  auto loaded = c.command({"SCRIPT", "LOAD", incr_by.source()});
  EXPECT_EQ(loaded.str, incr_by.sha1());  // our SHA1 is the one Redis uses

  EXPECT_EQ(c.eval_script(incr_by, {key("s")}, {"2"}).integer, 2);
  ASSERT_EQ(c.command({"SCRIPT", "FLUSH"}).str, "OK");
  ASSERT_EQ(c.command({"SCRIPT", "EXISTS", incr_by.sha1()}).elements.at(0).integer, 0);
  EXPECT_EQ(c.eval_script(incr_by, {key("s")}, {"3"}).integer, 5);  // NOSCRIPT -> EVAL
  // EVAL cached the script again, so the next call is a plain EVALSHA.
  EXPECT_EQ(c.command({"SCRIPT", "EXISTS", incr_by.sha1()}).elements.at(0).integer, 1);
  EXPECT_EQ(c.eval_script(incr_by, {key("s")}, {"1"}).integer, 6);

  mc::redis::script broken("return redis.call('NOPE')");
  auto err = c.eval_script(broken, {}, {});
  EXPECT_EQ(err.type, reply_type::error);
  EXPECT_FALSE(err.connection_error);
  c.command({"DEL", key("s")});
}

TEST(RedisClient, ConnectionFailureIsAValueNotAnException) {
  mc::redis::client c("redis://127.0.0.1:" + std::to_string(mc::test::free_port()));
  auto r = c.command({"PING"});
  EXPECT_EQ(r.type, reply_type::error);
  EXPECT_TRUE(r.connection_error);
  EXPECT_FALSE(c.connected());
  auto replies = c.pipeline({{"PING"}, {"PING"}});
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_TRUE(replies[1].connection_error);
}

TEST(RedisClient, CommandTimeoutDropsTheConnectionAndNextCallReconnects) {
  mc::redis::client_options opts;
  opts.command_timeout_ms = 200ms;
  mc::redis::client c(mc::test::redis_url(), opts);
  ASSERT_TRUE(c.ping());
  auto t0 = clock_type::now();
  auto r = c.command({"BLPOP", key("never"), "2"});  // blocks 2 s server-side
  auto elapsed = clock_type::now() - t0;
  EXPECT_TRUE(r.connection_error);
  EXPECT_LT(elapsed, 1s);
  // The late BLPOP answer must not be read as the reply to this command.
  auto set = c.command({"SET", key("t"), "v"});
  EXPECT_EQ(set.str, "OK");
  EXPECT_EQ(c.command({"GET", key("t")}).str, "v");
  c.command({"DEL", key("t")});
}

TEST(RedisClient, ReconnectsAfterRedisRestart) {
  mc::redis::client c(mc::test::redis_url());
  ASSERT_TRUE(c.ping());
  ASSERT_EQ(mc::test::infra("stop-redis"), 0);
  EXPECT_TRUE(c.command({"PING"}).connection_error);
  ASSERT_EQ(mc::test::infra("start-redis"), 0);
  const auto deadline = clock_type::now() + 10s;
  bool back = false;
  while (!back && clock_type::now() < deadline) {
    back = c.ping();
    if (!back) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(back);
}

TEST(RedisAsyncClient, ServesManyCoroutinesOnSeveralConnections) {
  mc::redis::async_client_options opts;
  opts.connections = 4;
  opts.client.command_timeout_ms = 2000ms;
  mc::redis::async_client rc(mc::test::redis_url(), opts);
  mc::redis::script add("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  net::io_context io;
  std::atomic<int> failures{0};
  std::atomic<int> ok{0};
  constexpr int coroutines = 50;
  for (int i = 0; i < coroutines; ++i) {
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
          std::vector<std::string> incr{"INCR", key("async")};
          auto r = co_await rc.command(std::move(incr));
          std::vector<std::vector<std::string>> cmds{{"INCR", key("async_p")},
                                                     {"INCR", key("async_p")}};
          auto p = co_await rc.pipeline(std::move(cmds));
          // Arguments built before the co_await: GCC 12 rejects string-literal braced lists in one.
          std::vector<std::string> keys{key("async_e")};
          std::vector<std::string> args{std::string("10")};
          auto e = co_await rc.eval(add, std::move(keys), std::move(args));
          if (r.type == reply_type::integer && p.size() == 2 && p[1].type == reply_type::integer &&
              e.type == reply_type::integer) {
            ++ok;
          }
        },
        [&](std::exception_ptr ex) {
          if (ex) ++failures;
        });
  }
  bool pinged = false;
  net::co_spawn(
      io, [&]() -> net::awaitable<void> { pinged = co_await rc.ping(); },
      [&](std::exception_ptr ex) {
        if (ex) ++failures;
      });
  run_io(io, 2);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(ok, coroutines);
  EXPECT_TRUE(pinged);
  mc::redis::client c(mc::test::redis_url());
  EXPECT_EQ(c.command({"GET", key("async")}).str, std::to_string(coroutines));
  EXPECT_EQ(c.command({"GET", key("async_p")}).str, std::to_string(2 * coroutines));
  EXPECT_EQ(c.command({"GET", key("async_e")}).str, std::to_string(10 * coroutines));
  c.command({"DEL", key("async"), key("async_p"), key("async_e")});
}

TEST(RedisAsyncClient, BlockingCommandsRunInParallelOffTheIoThread) {
  mc::redis::async_client_options opts;
  opts.connections = 4;
  opts.client.command_timeout_ms = 2000ms;
  mc::redis::async_client rc(mc::test::redis_url(), opts);
  net::io_context io;
  std::atomic<int> failures{0};
  std::atomic<int> nils{0};
  std::atomic<int> ticks{0};
  std::atomic<int> done{0};
  const auto t0 = clock_type::now();
  for (int i = 0; i < 4; ++i) {
    net::co_spawn(
        io,
        [&, i]() -> net::awaitable<void> {
          std::vector<std::string> blpop{"BLPOP", key("idle" + std::to_string(i)), "0.3"};
          auto r = co_await rc.command(std::move(blpop));
          if (r.is_nil()) ++nils;
          ++done;
        },
        [&](std::exception_ptr ex) {
          if (ex) ++failures;
        });
  }
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        net::steady_timer timer(co_await net::this_coro::executor);
        while (done < 4) {
          ++ticks;
          timer.expires_after(10ms);
          co_await timer.async_wait(net::use_awaitable);
        }
      },
      [&](std::exception_ptr ex) {
        if (ex) ++failures;
      });
  run_io(io, 1);  // one I/O thread: any blocking call would freeze the ticker
  auto elapsed = clock_type::now() - t0;
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(nils, 4);
  EXPECT_LT(elapsed, 1000ms);  // 4 x 0.3 s would be 1.2 s if they shared one connection
  EXPECT_GE(ticks, 15);
}

TEST(RedisAsyncClient, DownRedisGivesErrorReplies) {
  mc::redis::async_client rc("redis://127.0.0.1:" + std::to_string(mc::test::free_port()));
  net::io_context io;
  mc::redis::reply r;
  bool pinged = true;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        std::vector<std::string> ping{"PING"};
        r = co_await rc.command(std::move(ping));
        pinged = co_await rc.ping();
      },
      net::detached);
  run_io(io, 1);
  EXPECT_TRUE(r.connection_error);
  EXPECT_FALSE(pinged);
}

}  // namespace
