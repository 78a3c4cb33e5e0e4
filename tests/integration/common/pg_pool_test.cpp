// mc::pg::pool against the test PostgreSQL: queries from coroutines stay off the I/O threads,
// errors reach the coroutine, broken connections reopen, the queue is bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "common/pg/pool.h"
#include "support/test_env.h"

namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// Runs the io_context on `threads` threads until all work is done; rethrows a coroutine's error.
void run_io(net::io_context& io, int threads) {
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}

// Takes the coroutine lambda itself (not its awaitable): co_spawn keeps the closure alive for
// the coroutine's lifetime, so its captures do not dangle.
template <class F>
void spawn(net::io_context& io, F body, std::atomic<int>& failures) {
  net::co_spawn(io, std::move(body), [&failures](std::exception_ptr e) {
    if (e) ++failures;
  });
}

mc::pg::pool_config config(const std::string& url, std::size_t connections) {
  mc::pg::pool_config c;
  c.url = url;
  c.connections = connections;
  return c;
}

TEST(PgPool, RunsQueryFromCoroutineAndReturnsValue) {
  mc::pg::pool pool(config(mc::test::fresh_database(), 2));
  net::io_context io;
  int value = 0;
  bool void_ran = false;
  std::atomic<int> failures{0};
  spawn(
      io,
      [&]() -> net::awaitable<void> {
        value = co_await pool.run([](pqxx::connection& c) {
          pqxx::work tx(c);
          return tx.exec1("SELECT 40 + 2")[0].as<int>();
        });
        co_await pool.run([&](pqxx::connection&) { void_ran = true; });
      },
      failures);
  run_io(io, 1);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(value, 42);
  EXPECT_TRUE(void_ran);
}

TEST(PgPool, SlowQueriesDoNotBlockIoThreads) {
  constexpr int queries = 8;
  constexpr int connections = 4;
  mc::pg::pool pool(config(mc::test::fresh_database(), connections));
  net::io_context io;
  std::mutex m;
  std::set<std::thread::id> io_threads;
  std::set<std::thread::id> query_threads;
  std::set<std::thread::id> resume_threads;
  std::atomic<int> done{0};
  std::atomic<int> ticks{0};
  std::atomic<int> failures{0};
  const auto start = clock_type::now();
  clock_type::time_point finished;

  // The ticker records which threads are the io_context's and proves they stay free.
  spawn(
      io,
      [&]() -> net::awaitable<void> {
        net::steady_timer timer(co_await net::this_coro::executor);
        while (done < queries) {
          {
            std::lock_guard lock(m);
            io_threads.insert(std::this_thread::get_id());
          }
          ++ticks;
          timer.expires_after(10ms);
          co_await timer.async_wait(net::use_awaitable);
        }
      },
      failures);
  for (int i = 0; i < queries; ++i) {
    spawn(
        io,
        [&]() -> net::awaitable<void> {
          co_await pool.run([&](pqxx::connection& c) {
            {
              std::lock_guard lock(m);
              query_threads.insert(std::this_thread::get_id());
            }
            pqxx::work tx(c);
            tx.exec("SELECT pg_sleep(0.2)");
          });
          {
            std::lock_guard lock(m);
            resume_threads.insert(std::this_thread::get_id());
          }
          if (++done == queries) finished = clock_type::now();
        },
        failures);
  }
  run_io(io, 2);

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(done, queries);
  auto elapsed = finished - start;
  // 8 queries of 0.2 s on 4 connections: two rounds, not eight and not one.
  EXPECT_GE(elapsed, 400ms);
  EXPECT_LT(elapsed, 1500ms);
  // A 10 ms ticker over >= 400 ms: generous floor that still fails if I/O threads block.
  EXPECT_GE(ticks, 20);
  EXPECT_EQ(query_threads.size(), static_cast<std::size_t>(connections));
  for (auto id : query_threads) EXPECT_EQ(io_threads.count(id), 0u) << "query ran on an I/O thread";
  for (auto id : resume_threads)
    EXPECT_EQ(io_threads.count(id), 1u) << "resumed off the io_context";
}

TEST(PgPool, ExceptionsPropagateToTheCoroutine) {
  mc::pg::pool pool(config(mc::test::fresh_database(), 2));
  net::io_context io;
  std::string sql_error;
  std::string custom_error;
  int after = 0;
  std::atomic<int> failures{0};
  spawn(
      io,
      [&]() -> net::awaitable<void> {
        try {
          co_await pool.run([](pqxx::connection& c) {
            pqxx::work tx(c);
            return tx.exec("SELECT * FROM no_such_table").size();
          });
        } catch (const pqxx::sql_error& e) {
          sql_error = e.what();
        }
        try {
          co_await pool.run([](pqxx::connection&) -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error& e) {
          custom_error = e.what();
        }
        // The connection that saw the errors is still usable.
        after = co_await pool.run([](pqxx::connection& c) {
          pqxx::work tx(c);
          return tx.exec1("SELECT 7")[0].as<int>();
        });
      },
      failures);
  run_io(io, 2);
  EXPECT_EQ(failures, 0);
  EXPECT_NE(sql_error.find("no_such_table"), std::string::npos) << sql_error;
  EXPECT_EQ(custom_error, "boom");
  EXPECT_EQ(after, 7);
}

TEST(PgPool, UncaughtErrorReachesCoSpawnHandler) {
  mc::pg::pool pool(config(mc::test::fresh_database(), 1));
  net::io_context io;
  std::atomic<int> failures{0};
  spawn(
      io,
      [&]() -> net::awaitable<void> {
        co_await pool.run([](pqxx::connection& c) {
          pqxx::work tx(c);
          tx.exec("SELEC broken");
        });
      },
      failures);
  run_io(io, 1);
  EXPECT_EQ(failures, 1);
}

// Backend pids of the pool's connections, collected by running `n` overlapping queries.
std::set<int> pool_pids(mc::pg::pool& pool, int n) {
  net::io_context io;
  std::mutex m;
  std::set<int> pids;
  std::atomic<int> failures{0};
  for (int i = 0; i < n; ++i) {
    spawn(
        io,
        [&]() -> net::awaitable<void> {
          int pid = co_await pool.run([](pqxx::connection& c) {
            pqxx::work tx(c);
            return tx.exec1("SELECT pg_backend_pid() FROM pg_sleep(0.1)")[0].as<int>();
          });
          std::lock_guard lock(m);
          pids.insert(pid);
        },
        failures);
  }
  run_io(io, 2);
  EXPECT_EQ(failures, 0);
  return pids;
}

TEST(PgPool, ReopensConnectionsKilledByTheServer) {
  const std::string url = mc::test::fresh_database();
  const std::string dbname = url.substr(url.rfind('/') + 1);
  mc::pg::pool pool(config(url, 2));
  std::set<int> before = pool_pids(pool, 2);
  ASSERT_EQ(before.size(), 2u);

  pqxx::connection admin(mc::test::postgres_admin_url());
  {
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                   dbname);
  }
  // pg_terminate_backend only signals; wait until the backends are really gone.
  const auto deadline = clock_type::now() + 5s;
  for (;;) {
    pqxx::nontransaction tx(admin);
    if (tx.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", dbname)[0]
            .as<int>() == 0) {
      break;
    }
    ASSERT_LT(clock_type::now(), deadline) << "backends did not exit";
    std::this_thread::sleep_for(20ms);
  }

  // Every query succeeds: dead idle connections are noticed before a job gets them.
  std::set<int> after = pool_pids(pool, 4);
  EXPECT_EQ(after.size(), 2u);
  for (int pid : after) EXPECT_EQ(before.count(pid), 0u);
  EXPECT_EQ(pool.stats().reconnects, 2u);
}

TEST(PgPool, WithConnectionWorksFromPlainThreads) {
  mc::pg::pool pool(config(mc::test::fresh_database(), 2));
  pool.with_connection([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("CREATE TABLE t (v int)");
    tx.commit();
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&pool, i] {
      pool.with_connection([i](pqxx::connection& c) {
        pqxx::work tx(c);
        tx.exec_params("INSERT INTO t VALUES ($1)", i);
        tx.commit();
      });
    });
  }
  for (auto& t : threads) t.join();
  int sum = pool.with_connection([](pqxx::connection& c) {
    pqxx::work tx(c);
    return tx.exec1("SELECT sum(v) FROM t")[0].as<int>();
  });
  EXPECT_EQ(sum, 0 + 1 + 2 + 3);
  EXPECT_THROW(pool.with_connection([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("SELECT * FROM missing");
  }),
               pqxx::sql_error);
}

TEST(PgPool, FullQueueRejectsAtOnce) {
  auto cfg = config(mc::test::fresh_database(), 1);
  cfg.queue_max = 2;
  mc::pg::pool pool(cfg);
  pool.with_connection([](pqxx::connection&) {});  // open the connection up front

  net::io_context io;
  std::atomic<int> failures{0};
  std::atomic<int> completed{0};
  std::atomic<int> busy{0};
  clock_type::duration rejection_time{};
  auto slow = [&]() -> net::awaitable<void> {
    co_await pool.run([](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("SELECT pg_sleep(0.4)");
    });
    ++completed;
  };
  spawn(
      io,
      [&]() -> net::awaitable<void> {
        net::steady_timer timer(co_await net::this_coro::executor);
        spawn(io, slow, failures);  // occupies the only connection
        timer.expires_after(100ms);
        co_await timer.async_wait(net::use_awaitable);
        spawn(io, slow, failures);  // queued
        spawn(io, slow, failures);  // queued: queue now full
        timer.expires_after(20ms);
        co_await timer.async_wait(net::use_awaitable);
        auto t0 = clock_type::now();
        try {
          co_await pool.run([](pqxx::connection&) {});
        } catch (const mc::pg::pool_busy&) {
          ++busy;
        }
        rejection_time = clock_type::now() - t0;
      },
      failures);
  run_io(io, 2);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(completed, 3);
  EXPECT_EQ(busy, 1);
  EXPECT_LT(rejection_time, 100ms);
  EXPECT_EQ(pool.stats().rejected, 1u);
}

TEST(PgPool, QueuedJobExpiresAfterQueueWait) {
  auto cfg = config(mc::test::fresh_database(), 1);
  cfg.queue_wait_ms = 100ms;
  mc::pg::pool pool(cfg);
  std::atomic<bool> second_ran{false};
  std::thread slow([&] {
    pool.with_connection([](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("SELECT pg_sleep(0.4)");
    });
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_THROW(pool.with_connection([&](pqxx::connection&) { second_ran = true; }),
               mc::pg::pool_busy);
  slow.join();
  EXPECT_FALSE(second_ran);
}

TEST(PgPool, PingReportsDatabaseState) {
  mc::pg::pool up(config(mc::test::fresh_database(), 1));
  auto down_cfg =
      config("postgresql://microcoin@127.0.0.1:" + std::to_string(mc::test::free_port()) + "/x", 1);
  mc::pg::pool down(down_cfg);
  net::io_context io;
  bool up_ok = false;
  bool down_ok = true;
  clock_type::duration down_time{};
  std::atomic<int> failures{0};
  spawn(
      io,
      [&]() -> net::awaitable<void> {
        up_ok = co_await up.ping();
        auto t0 = clock_type::now();
        down_ok = co_await down.ping();
        down_time = clock_type::now() - t0;
      },
      failures);
  run_io(io, 1);
  EXPECT_EQ(failures, 0);
  EXPECT_TRUE(up_ok);
  EXPECT_FALSE(down_ok);
  EXPECT_LT(down_time, 1s);
}

}  // namespace
