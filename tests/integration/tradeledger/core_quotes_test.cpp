// Quotes in from Redis: a message on quotes:<SYMBOL> becomes a house quote in the book and the
// portfolio mark; with house liquidity off it moves only the reference price.
#include "core_test_util.h"

#include <chrono>
#include <thread>

#include "common/redis/client.h"

namespace mc::tradeledger::test {
namespace {

using namespace std::chrono_literals;
using CoreQuotes = core_fixture;

const char* quote_json =
    R"({"symbol":"BTC-USD","bid":"50000.00","ask":"50001.00","bid_size":"0.5","ask_size":"0.7",)"
    R"("last":"50000.50","ts":"2024-01-01T00:00:00Z","seq":1,"source":"sim","stale":false})";

// Publishes until the book shows the house quote (the subscription is asynchronous).
boost::json::object wait_for_book(ledger_core& core) {
  mc::redis::client redis(mc::test::redis_url());
  const auto until = std::chrono::steady_clock::now() + 10s;
  boost::json::object book;
  while (std::chrono::steady_clock::now() < until) {
    redis.command({"PUBLISH", "quotes:BTC-USD", quote_json});
    std::this_thread::sleep_for(100ms);
    book = json_of(sync(core.order_book("BTC-USD", 10, {})));
    if (!book.at("asks").as_array().empty()) break;
  }
  return book;
}

TEST_F(CoreQuotes, RedisQuoteBecomesHouseLiquidity) {
  auto cfg = make_config(true);
  cfg.redis_url = mc::test::redis_url();
  cfg.run_outbox_relay = false;
  start_with(cfg);
  const auto book = wait_for_book(*core_);
  ASSERT_EQ(book.at("asks").as_array().size(), 1u);
  EXPECT_EQ(str(book.at("asks").as_array()[0].as_array()[0]), "50001.00");
  EXPECT_EQ(str(book.at("asks").as_array()[0].as_array()[1]), "0.70000000");
  EXPECT_EQ(str(book.at("bids").as_array()[0].as_array()[0]), "50000.00");

  const auto a = new_user();
  topup(a, "100000.00");
  auto m = json_of(place(order(a, "BUY", "MARKET", "", "0.1")));
  EXPECT_EQ(str(m.at("status")), "FILLED");
  EXPECT_EQ(str(m.at("avg_fill_price")), "50001.00");
  const auto p = portfolio(a);
  const auto& pos = p.at("positions").as_array()[0].as_object();
  EXPECT_EQ(str(pos.at("market_price")), "50000.50");
}

TEST_F(CoreQuotes, HouseOffQuoteMovesOnlyTheReferencePrice) {
  auto cfg = make_config(false);
  cfg.redis_url = mc::test::redis_url();
  cfg.run_outbox_relay = false;
  start_with(cfg);
  ASSERT_TRUE(core_->wait_quotes_subscribed(10s));
  mc::redis::client redis(mc::test::redis_url());
  redis.command({"PUBLISH", "quotes:BTC-USD", quote_json});
  std::this_thread::sleep_for(300ms);  // the subscriber thread hands the tick to the queue
  const auto book = json_of(sync(core_->order_book("BTC-USD", 10, {})));
  EXPECT_TRUE(book.at("asks").as_array().empty());
  EXPECT_TRUE(book.at("bids").as_array().empty());
  const auto a = new_user();
  topup(a, "100000.00");
  // A reference price exists now, so the market order is accepted (and finds nothing).
  auto m = json_of(place(order(a, "BUY", "MARKET", "", "0.1")));
  EXPECT_EQ(str(m.at("status")), "CANCELED");
}

}  // namespace
}  // namespace mc::tradeledger::test
