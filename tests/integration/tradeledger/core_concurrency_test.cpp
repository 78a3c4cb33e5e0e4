// Many concurrent callers on the same accounts: every answer is consistent, nothing is spent
// twice, and the ledger audits clean.
#include "core_test_util.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <boost/asio/detached.hpp>
#include <thread>

namespace mc::tradeledger::test {
namespace {

using CoreConcurrency = core_fixture;

TEST_F(CoreConcurrency, EightCallersTwoHundredOrdersEachNoDoubleSpend) {
  constexpr int callers = 8;
  constexpr int orders_each = 200;
  start(true);
  const auto buyer = new_user(), seller = new_user();
  topup(buyer, "20000.00");  // enough for some of the buys only
  topup(seller, "0.5", "BTC");
  quote("49990.00", "50010.00", "0.5", "0.5");

  // Requests are built up front: the fixture's id generator is not thread-safe.
  std::vector<std::vector<place_order_request>> requests(callers);
  for (int c = 0; c < callers; ++c) {
    for (int i = 0; i < orders_each; ++i) {
      const bool buy = (i + c) % 2 == 0;
      requests[c].push_back(order(buy ? buyer : seller, buy ? "BUY" : "SELL", "LIMIT",
                                  buy ? "50000.00" : "49995.00", "0.01"));
    }
  }
  net::io_context io;
  std::atomic<int> created{0}, refused_funds{0}, other{0};
  for (int c = 0; c < callers; ++c) {
    net::co_spawn(
        io,
        [&, c]() -> net::awaitable<void> {
          for (int i = 0; i < orders_each; ++i) {
            auto placed = core_->place_order(requests[c][i], {});
            const command_result r = co_await std::move(placed);
            if (r.status == 201) {
              ++created;
            } else if (r.error == error_code::insufficient_funds) {
              ++refused_funds;
            } else {
              ++other;
            }
          }
        },
        net::detached);
  }
  std::thread helper([&] { io.run(); });
  io.run();
  helper.join();

  EXPECT_EQ(created + refused_funds, callers * orders_each);
  EXPECT_EQ(other, 0);
  EXPECT_GT(created, 0);
  EXPECT_GT(refused_funds, 0);
  // Nobody went negative and the holds match the open orders (the fixture audits the rest).
  for (const auto& user : {buyer, seller}) {
    for (const char* cur : {"USD", "BTC"}) {
      const auto [available, held] = balance(user, cur);
      EXPECT_NE(available.front(), '-') << cur;
      EXPECT_NE(held.front(), '-') << cur;
    }
  }
  const audit_report a = run_audit(db_);
  EXPECT_TRUE(a.ok()) << a.text();
}

// Throughput of the whole durable path (queue, engine, one commit per batch, answers) with
// many callers in flight. Prints the figure; the HTTP benchmark owns the real target.
TEST_F(CoreConcurrency, DurableOrdersPerSecond) {
  const int callers =
      std::getenv("MC_BENCH_CALLERS") ? std::atoi(std::getenv("MC_BENCH_CALLERS")) : 64;
  const int orders_each = 9600 / callers;
  start(false);
  std::vector<std::string> users;
  for (int c = 0; c < callers; ++c) {
    users.push_back(new_user());
    topup(users.back(), "100000000.00");
  }
  std::vector<std::vector<place_order_request>> requests(callers);
  for (int c = 0; c < callers; ++c) {
    for (int i = 0; i < orders_each; ++i) {
      // Non-crossing resting bids: every order is a full insert with hold and outbox rows.
      requests[c].push_back(
          order(users[c], "BUY", "LIMIT", std::to_string(10000 + (i % 500)) + ".00", "0.01"));
    }
  }
  net::io_context io;
  std::atomic<int> created{0};
  std::vector<double> latencies_ms;
  std::mutex latency_mutex;
  const auto t0 = std::chrono::steady_clock::now();
  for (int c = 0; c < callers; ++c) {
    net::co_spawn(
        io,
        [&, c]() -> net::awaitable<void> {
          for (int i = 0; i < orders_each; ++i) {
            const auto s = std::chrono::steady_clock::now();
            auto placed = core_->place_order(requests[c][i], {});
            const command_result r = co_await std::move(placed);
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s)
                    .count();
            std::lock_guard lock(latency_mutex);
            latencies_ms.push_back(ms);
            if (r.status == 201) ++created;
          }
        },
        net::detached);
  }
  io.run();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(created, callers * orders_each);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double p50 = latencies_ms[latencies_ms.size() / 2];
  const double p99 = latencies_ms[latencies_ms.size() * 99 / 100];
  std::printf(
      "ledger core: %d durable orders in %.2f s = %.0f orders/s, p50 %.2f ms, p99 %.2f ms\n",
      callers * orders_each, secs, callers * orders_each / secs, p50, p99);
  if (std::getenv("MC_PRINT_METRICS"))
    std::printf("%s\n", metrics::default_registry().render().c_str());
}

}  // namespace
}  // namespace mc::tradeledger::test
