// The remote `ledger` against a real TradeLedger service: the same answers as the in-process
// core (a replay through one path returns what the other stored), the outcome kinds
// (unavailable vs outcome_unknown) and the circuit breaker while TradeLedger is down.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <optional>
#include <thread>

#include "service_support.h"
#include "common/metrics/metrics.h"
#include "support/test_env.h"
#include "tradeledger/api/ledger_client.h"
#include "tradeledger/api/request_builder.h"

namespace mc::test::tl {
namespace {

namespace tr = mc::tradeledger;
using namespace std::chrono_literals;

// Runs coroutines on a private io_context thread and waits for their results.
class client_runner {
 public:
  client_runner() : work_(ioc_.get_executor()), thread_([this] { ioc_.run(); }) {}
  ~client_runner() {
    client_.reset();
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  tr::ledger_client& connect(std::uint16_t port, tr::ledger_client_options o = {}) {
    o.url = "http://127.0.0.1:" + std::to_string(port);
    o.service_secret = std::string(service_secret);
    client_ = std::make_unique<tr::ledger_client>(o, tr::default_markets());
    return *client_;
  }

  template <class T>
  T run(net::awaitable<T> aw) {
    return net::co_spawn(ioc_, std::move(aw), net::use_future).get();
  }

  net::io_context& io() { return ioc_; }

 private:
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::thread thread_;
  std::unique_ptr<tr::ledger_client> client_;
};

std::string field(const tr::command_result& r, std::string_view name) {
  return std::string(boost::json::parse(r.body).as_object().at(name).as_string());
}

TEST(LedgerClient, AnswersLikeTheInProcessCore) {
  running_service svc;
  client_runner rt;
  auto& calls = metrics::default_registry().histogram("gateway_ledger_call_duration_seconds", "");
  const auto calls_before = calls.count();
  tr::ledger& remote = rt.connect(svc.port());
  tr::ledger& local = svc.service().api();
  const std::string user = new_uuid();

  const auto topup = tr::topup_from(tr::default_markets(), user, "t-1", "USD", "1000.00");
  const auto first = rt.run(remote.topup(topup, {}));
  ASSERT_EQ(first.error, tr::error_code::none) << first.body;
  EXPECT_EQ(field(first, "balance"), "1000.00");
  // The replay through the other path is TradeLedger's stored answer, byte for byte.
  const auto replay = rt.run(local.topup(topup, {}));
  EXPECT_EQ(replay.body, first.body);
  auto other = topup;
  other.amount += 1;
  EXPECT_EQ(rt.run(remote.topup(other, {})).error, tr::error_code::idem_mismatch);

  const auto order = tr::order_from(tr::default_markets(), user, "o-1", "BTC-USD", "BUY", "LIMIT",
                                    "100.00", "0.5");
  const auto placed = rt.run(remote.place_order(order, {}));
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = field(placed, "order_id");
  const auto got_remote = rt.run(remote.get_order(user, id, {}));
  const auto got_local = rt.run(local.get_order(user, id, {}));
  EXPECT_EQ(got_remote.body, got_local.body);
  EXPECT_EQ(rt.run(remote.get_order(new_uuid(), id, {})).error, tr::error_code::order_not_found);

  tr::replace_order_request rep{user, id, std::string("101.00"), std::string("0.4")};
  const auto replaced = rt.run(remote.replace_order(rep, {}));
  ASSERT_EQ(replaced.error, tr::error_code::none) << replaced.body;
  EXPECT_EQ(field(replaced, "price"), "101.00");
  EXPECT_EQ(field(replaced, "qty"), "0.40000000");
  const auto canceled = rt.run(remote.cancel_order({user, id}, {}));
  ASSERT_EQ(canceled.error, tr::error_code::none) << canceled.body;
  EXPECT_EQ(field(canceled, "status"), "CANCELED");
  EXPECT_EQ(rt.run(remote.cancel_order({user, id}, {})).error,
            tr::error_code::order_not_cancelable);
  EXPECT_EQ(rt.run(remote.portfolio(user, {})).body, rt.run(local.portfolio(user, {})).body);
  tr::list_orders_query q;
  q.user_id = user;
  EXPECT_EQ(rt.run(remote.list_orders(q, {})).body, rt.run(local.list_orders(q, {})).body);
  EXPECT_EQ(rt.run(remote.order_book("BTC-USD", 5, {})).body,
            rt.run(local.order_book("BTC-USD", 5, {})).body);
  // Every exchange with TradeLedger was timed: 11 remote calls above, none retried.
  EXPECT_EQ(calls.count() - calls_before, 11u);
  EXPECT_GT(calls.sum(), 0.0);
}

// A peer that accepts connections and never answers: a TradeLedger that hangs.
class black_hole {
 public:
  explicit black_hole(net::io_context& io)
      : acceptor_(io, {net::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, net::ip::tcp::socket s) {
      if (ec) return;
      held_.push_back(std::move(s));
      accept();
    });
  }
  net::ip::tcp::acceptor acceptor_;
  std::vector<net::ip::tcp::socket> held_;
};

TEST(LedgerClient, WritesWithoutAnAnswerAreOutcomeUnknown) {
  client_runner rt;
  black_hole hole(rt.io());
  tr::ledger_client_options o;
  o.max_attempts = 2;
  o.breaker.failure_threshold = 100;
  tr::ledger& remote = rt.connect(hole.port(), o);
  const std::string user = new_uuid();
  const auto order = tr::order_from(tr::default_markets(), user, "o-1", "BTC-USD", "BUY", "LIMIT",
                                    "100.00", "0.5");
  // Sent, never answered: it may have been applied.
  EXPECT_EQ(rt.run(remote.place_order(order, tr::call_context::within(300ms))).error,
            tr::error_code::outcome_unknown);
  EXPECT_EQ(rt.run(remote.cancel_order({user, new_uuid()}, tr::call_context::within(300ms))).error,
            tr::error_code::outcome_unknown);
  // A read that got no answer changed nothing.
  EXPECT_EQ(rt.run(remote.get_order(user, new_uuid(), tr::call_context::within(300ms))).error,
            tr::error_code::unavailable);
}

TEST(LedgerClient, BreakerOpensWhileTradeLedgerIsDownAndClosesWhenItReturns) {
  auto config = test_config();
  config.port = static_cast<std::uint16_t>(mc::test::free_port());
  auto svc = std::make_unique<running_service>(config);
  client_runner rt;
  tr::ledger_client_options o;
  o.max_attempts = 1;
  o.breaker.failure_threshold = 3;
  o.breaker.open_for = 300ms;
  tr::ledger_client& remote = rt.connect(svc->port(), o);
  const std::string user = new_uuid();
  ASSERT_EQ(rt.run(remote.portfolio(user, {})).error, tr::error_code::none);

  svc->stop();
  svc.reset();
  // Refused connections: certainly not applied, and they count toward opening.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rt.run(remote.portfolio(user, {})).error, tr::error_code::unavailable);
  }
  EXPECT_EQ(remote.breaker().current(), tr::circuit_breaker::state::open);
  const auto topup = tr::topup_from(tr::default_markets(), user, "t-1", "USD", "5.00");
  // Open: refused at once, and a write refused by the breaker was certainly not applied.
  EXPECT_EQ(rt.run(remote.topup(topup, {})).error, tr::error_code::unavailable);
  EXPECT_EQ(remote.breaker().current(), tr::circuit_breaker::state::open);

  svc = std::make_unique<running_service>(config);  // back on the same port and database
  ASSERT_TRUE(eventually(
      [&] { return rt.run(remote.topup(topup, {})).error == tr::error_code::none; }, 5000));
  EXPECT_EQ(remote.breaker().current(), tr::circuit_breaker::state::closed);
  const auto p = rt.run(remote.portfolio(user, {}));
  EXPECT_EQ(balance(reply{p.status, p.body, boost::json::parse(p.body), {}}, "USD"), "5.00");
}

}  // namespace
}  // namespace mc::test::tl
