// Many keep-alive clients trading on the same few accounts at once, through HTTP. Afterwards
// the ledger audit is clean and the balances add up: nothing was spent twice.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "common/http/client.h"
#include "service_support.h"
#include "tradeledger/core/audit.h"

namespace mc::test::tl {
namespace {

namespace json = boost::json;

constexpr int clients = 16;
constexpr int orders_per_client = 100;
constexpr int users = 4;

// Sum of fill fees (USD cents) over every order of `user`.
std::int64_t user_fees(running_service& s, const std::string& user, int& orders_seen) {
  std::int64_t fees = 0;
  std::string cursor;
  for (;;) {
    reply r = s.get("/orders?user_id=" + user + "&limit=500" +
                    (cursor.empty() ? "" : "&cursor=" + cursor));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return fees;
    for (const auto& o : r.json.at("orders").as_array()) {
      ++orders_seen;
      for (const auto& f : o.at("fills").as_array())
        fees += minor(std::string(f.at("fee").as_string()), 2);
    }
    const auto& next = r.json.at("next_cursor");
    if (!next.is_string()) return fees;
    cursor = std::string(next.as_string());
  }
}

TEST(ServiceConcurrency, SixteenClientsOnFourAccountsStayConsistent) {
  auto cfg = test_config();
  cfg.house_liquidity = false;
  running_service s(cfg);
  std::vector<std::string> ids;
  for (int i = 0; i < users; ++i) {
    ids.push_back(new_uuid());
    ASSERT_EQ(s.post("/topups", topup_body(ids.back(), "200000.00"), unique_key()).status, 200);
    ASSERT_EQ(s.post("/topups", topup_body(ids.back(), "4", "BTC"), unique_key()).status, 200);
  }

  std::atomic<int> created{0}, refused_funds{0}, other{0};
  std::string first_other;
  std::mutex other_mutex;
  net::io_context ioc;
  const std::string auth = s.authorization();
  for (int c = 0; c < clients; ++c) {
    net::co_spawn(
        ioc,
        [&, c]() -> net::awaitable<void> {
          http::client_pool pool("127.0.0.1", s.port());
          std::mt19937 rng(static_cast<unsigned>(c) * 7919u + 1);
          for (int i = 0; i < orders_per_client; ++i) {
            const std::string& user = ids[rng() % users];
            const bool buy = rng() % 2 == 0;
            const std::string price = std::to_string(49990 + static_cast<int>(rng() % 21)) + ".00";
            const std::string qty = "0.0" + std::to_string(1 + rng() % 9);
            http::header_list h{
                {"Authorization", auth},
                {"Idempotency-Key", "c" + std::to_string(c) + "-" + std::to_string(i)},
                {"Content-Type", "application/json"}};
            auto r =
                co_await pool.request("POST", "/orders", std::move(h),
                                      order_body(user, buy ? "BUY" : "SELL", "LIMIT", price, qty),
                                      std::chrono::seconds(30));
            if (r.ok && r.status == 201) {
              ++created;
            } else if (r.ok && r.status == 422) {
              ++refused_funds;
            } else {
              ++other;
              std::lock_guard lock(other_mutex);
              if (first_other.empty())
                first_other = std::to_string(r.status) + " " + r.error + " " + r.body;
            }
          }
        },
        net::detached);
  }
  ioc.run();
  EXPECT_EQ(other.load(), 0) << first_other;
  EXPECT_EQ(created + refused_funds + other, clients * orders_per_client);
  EXPECT_GT(created.load(), clients * orders_per_client / 2);

  // Conservation: BTC only moves between the users; USD goes to users or to the fee account.
  std::int64_t usd = 0, btc = 0, fees = 0;
  int orders_seen = 0;
  for (const auto& u : ids) {
    reply p = s.get("/portfolio/" + u);
    ASSERT_EQ(p.status, 200);
    for (const char* field : {"balance_available", "balance_hold"}) {
      EXPECT_GE(minor(balance(p, "USD", field), 2), 0);
      EXPECT_GE(minor(balance(p, "BTC", field), 8), 0);
    }
    usd += minor(balance(p, "USD", "balance_total"), 2);
    btc += minor(balance(p, "BTC", "balance_total"), 8);
    fees += user_fees(s, u, orders_seen);
  }
  EXPECT_EQ(orders_seen, created.load());
  EXPECT_EQ(btc, users * 4LL * 100'000'000);
  EXPECT_EQ(usd + fees, users * 200'000LL * 100);

  const tradeledger::audit_report report = tradeledger::run_audit(s.config().postgres_url);
  EXPECT_TRUE(report.ok()) << report.text();
}

}  // namespace
}  // namespace mc::test::tl
