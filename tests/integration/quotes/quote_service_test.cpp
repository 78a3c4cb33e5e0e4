// The whole quotes service against the real test Redis: published JSON, the snapshot hash,
// HTTP routes, drops by reason, staleness, and a Redis outage in the middle of a stream.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "common/redis/client.h"
#include "service_harness.h"

namespace mc::quotes {
namespace {

using namespace test;

std::string hget_snapshot(const std::string& symbol) {
  redis::client c(mc::test::redis_url());
  auto r = c.command({"HGET", "quotes:latest", symbol});
  return r.type == redis::reply_type::string ? r.str : "";
}

std::string write_replay(const std::string& name, const std::string& text) {
  auto path =
      std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".jsonl");
  std::ofstream(path) << text;
  return path.string();
}

std::string ticker(const std::string& product, uint64_t seq, const std::string& bid,
                   const std::string& ask, const std::string& time) {
  return R"({"type":"ticker","sequence":)" + std::to_string(seq) + R"(,"product_id":")" + product +
         R"(","price":")" + bid + R"(","best_bid":")" + bid + R"(","best_bid_size":"1.00000000",)" +
         R"("best_ask":")" + ask + R"(","best_ask_size":"2.00000000","time":")" + time + "\"}\n";
}

TEST(QuoteService, PublishesNormalisedJsonAndSnapshot) {
  channel_recorder rec({"quotes:BTC-USD"});
  running_service svc(base_config());
  ASSERT_TRUE(eventually([&] { return rec.count() >= 5; }));
  auto messages = rec.messages();
  const std::regex ts_re(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  const std::regex price_re(R"(\d+\.\d{2})");
  const std::regex size_re(R"(\d+\.\d{8})");
  uint64_t prev_seq = 0;
  for (const auto& m : messages) {
    auto o = parse_object(m);
    EXPECT_EQ(str(o, "symbol"), "BTC-USD");
    EXPECT_TRUE(std::regex_match(str(o, "bid"), price_re)) << m;
    EXPECT_TRUE(std::regex_match(str(o, "ask"), price_re)) << m;
    EXPECT_TRUE(std::regex_match(str(o, "last"), price_re)) << m;
    EXPECT_TRUE(std::regex_match(str(o, "bid_size"), size_re)) << m;
    EXPECT_TRUE(std::regex_match(str(o, "ask_size"), size_re)) << m;
    EXPECT_TRUE(std::regex_match(str(o, "ts"), ts_re)) << m;
    EXPECT_TRUE(std::regex_match(str(o, "recv_ts"), ts_re)) << m;
    EXPECT_EQ(str(o, "source"), "sim");
    EXPECT_FALSE(o.at("stale").as_bool());
    EXPECT_LT(std::stod(str(o, "bid")), std::stod(str(o, "ask")));  // test-side check only
    auto seq = o.at("seq").to_number<uint64_t>();
    EXPECT_GT(seq, prev_seq);
    prev_seq = seq;
  }
  // The snapshot is written in the same pipeline, so it is at least as new as what we got.
  auto snap = parse_object(hget_snapshot("BTC-USD"));
  EXPECT_GE(snap.at("seq").to_number<uint64_t>(), prev_seq);
  EXPECT_FALSE(hget_snapshot("ETH-USD").empty());
}

TEST(QuoteService, HttpRoutes) {
  running_service svc(base_config());
  ASSERT_TRUE(eventually([&] { return svc.service().book().all().size() == 2; }));
  ASSERT_TRUE(eventually([&] { return svc.service().publisher().redis_ok(); }));

  auto all = svc.get("/quotes");
  ASSERT_TRUE(all.ok);
  EXPECT_EQ(all.status, 200);
  auto quotes = parse_object(all.body).at("quotes").as_array();
  ASSERT_EQ(quotes.size(), 2u);
  EXPECT_EQ(quotes[0].as_object().at("symbol").as_string(), "BTC-USD");
  EXPECT_EQ(quotes[1].as_object().at("symbol").as_string(), "ETH-USD");

  for (const char* target : {"/quotes/BTC-USD", "/quotes/btc-usd", "/quotes?symbol=BTC-USD"}) {
    auto one = svc.get(target);
    EXPECT_EQ(one.status, 200) << target;
    EXPECT_EQ(str(parse_object(one.body), "symbol"), "BTC-USD") << target;
  }
  for (const char* target : {"/quotes/DOGE-USD", "/quotes?symbol=nope"}) {
    auto unknown = svc.get(target);
    EXPECT_EQ(unknown.status, 400) << target;
    EXPECT_EQ(parse_object(unknown.body).at("error").as_object().at("code").as_string(),
              "INVALID_SYMBOL");
  }
  EXPECT_EQ(svc.get("/healthz").status, 200);
  EXPECT_TRUE(eventually([&] { return svc.get("/readyz").status == 200; }));
  auto metrics = svc.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  for (const char* name :
       {"quotes_ticks_in_total{source=\"sim\"}", "quotes_published_total",
        "quotes_dropped_total{reason=\"crossed\"}", "quotes_feed_reconnects_total",
        "quotes_stale{symbol=\"BTC-USD\"}", "quotes_sequence_gaps_total", "quotes_redis_up"}) {
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
  }
}

TEST(QuoteService, DropsBadTicksByReasonAndPublishesOnlyGoodOnes) {
  std::string text =
      ticker("BTC-USD", 10, "100.00", "100.01", "2024-05-01T14:30:00.000Z") +   // good
      ticker("BTC-USD", 11, "100.01", "100.01", "2024-05-01T14:30:00.100Z") +   // crossed
      ticker("BTC-USD", 12, "100.00", "100.01", "2024-05-01T14:29:59.000Z") +   // time back
      ticker("BTC-USD", 10, "100.00", "100.01", "2024-05-01T14:30:00.200Z") +   // seq back
      ticker("DOGE-USD", 1, "0.10", "0.11", "2024-05-01T14:30:00.300Z") +       // unknown
      ticker("BTC-USD", 13, "0.00", "100.01", "2024-05-01T14:30:00.400Z") +     // non-pos
      ticker("BTC-USD", 14, "100.001", "100.01", "2024-05-01T14:30:00.500Z") +  // malformed
      "{oops\n" +                                                               // malformed
      ticker("BTC-USD", 15, "100.02", "100.03", "2024-05-01T14:30:00.600Z");    // good
  auto cfg = base_config();
  cfg.feed = feed_source::replay;
  cfg.replay = replay_config{write_replay("drops", text), 0.0, false};
  metrics::registry registry;
  channel_recorder rec({"quotes:BTC-USD", "quotes:DOGE-USD"});
  running_service svc(cfg, registry);
  ASSERT_TRUE(eventually([&] { return rec.count() >= 2; }));
  std::this_thread::sleep_for(200ms);
  auto messages = rec.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(str(parse_object(messages[0]), "bid"), "100.00");
  EXPECT_EQ(str(parse_object(messages[1]), "bid"), "100.02");
  EXPECT_EQ(parse_object(messages[1]).at("seq").to_number<uint64_t>(), 15u);
  auto& m = svc.service().metrics();
  EXPECT_EQ(m.ticks_in.value(), 9u);
  EXPECT_EQ(m.dropped(drop_reason::crossed).value(), 1u);
  EXPECT_EQ(m.dropped(drop_reason::time_backwards).value(), 1u);
  EXPECT_EQ(m.dropped(drop_reason::sequence_backwards).value(), 1u);
  EXPECT_EQ(m.dropped(drop_reason::unknown_symbol).value(), 1u);
  EXPECT_EQ(m.dropped(drop_reason::non_positive).value(), 1u);
  EXPECT_EQ(m.dropped(drop_reason::malformed).value(), 2u);
  std::filesystem::remove(cfg.replay.file);
}

TEST(QuoteService, StaleSymbolIsFlaggedPublishedAndNotReady) {
  auto cfg = base_config();
  cfg.feed = feed_source::replay;
  cfg.stale_ms = 300ms;
  cfg.replay = replay_config{
      write_replay("stale", ticker("BTC-USD", 1, "100.00", "100.01", "2024-05-01T14:30:00.000Z")),
      0.0, false};
  metrics::registry registry;
  channel_recorder rec({"quotes:BTC-USD"});
  running_service svc(cfg, registry);
  // First the fresh quote, then the same quote again flagged stale.
  ASSERT_TRUE(eventually([&] { return rec.count() >= 2; }));
  auto messages = rec.messages();
  EXPECT_FALSE(parse_object(messages[0]).at("stale").as_bool());
  EXPECT_TRUE(parse_object(messages[1]).at("stale").as_bool());
  EXPECT_TRUE(parse_object(hget_snapshot("BTC-USD")).at("stale").as_bool());
  auto one = svc.get("/quotes/BTC-USD");
  EXPECT_TRUE(parse_object(one.body).at("stale").as_bool());
  EXPECT_EQ(svc.get("/readyz").status, 503);
  EXPECT_EQ(svc.service().metrics().for_symbol("BTC-USD")->stale->value(), 1.0);
  std::filesystem::remove(cfg.replay.file);
}

TEST(QuoteService, RedisOutageConflatesThenResumesWithNewestQuotes) {
  auto cfg = base_config();
  cfg.sim.tick_ms = 5ms;
  cfg.publish_queue_per_symbol_max = 8;
  metrics::registry registry;
  channel_recorder rec({"quotes:BTC-USD"});
  running_service svc(cfg, registry);
  ASSERT_TRUE(eventually([&] { return rec.count() >= 10; }));
  auto& m = svc.service().metrics();

  ASSERT_EQ(mc::test::infra("stop-redis"), 0);
  ASSERT_TRUE(eventually([&] { return !svc.service().publisher().redis_ok(); }));
  auto ticks_at_stop = m.ticks_in.value();
  // The feed keeps ticking while Redis is away, and what waits stays bounded.
  for (int i = 0; i < 15; ++i) {
    std::this_thread::sleep_for(100ms);
    EXPECT_LE(svc.service().publisher().pending(), 2 * cfg.publish_queue_per_symbol_max);
  }
  EXPECT_GT(m.ticks_in.value(), ticks_at_stop + 100);
  EXPECT_GT(m.publish_errors.value(), 0u);
  EXPECT_GT(m.conflated.value(), 0u);
  EXPECT_EQ(svc.get("/readyz").status, 503);

  auto received_before = rec.count();
  auto newest_before = svc.service().book().get("BTC-USD")->q.sequence;
  ASSERT_EQ(mc::test::infra("start-redis"), 0);
  ASSERT_TRUE(rec.subscriber().wait_subscribed(10s));
  ASSERT_TRUE(eventually([&] { return rec.count() > received_before + 5; }, 15s));
  auto last = parse_object(rec.messages().back());
  EXPECT_GT(last.at("seq").to_number<uint64_t>(), newest_before);
  EXPECT_TRUE(eventually([&] { return svc.service().publisher().redis_ok(); }));
  EXPECT_LE(svc.service().publisher().pending(), 2 * cfg.publish_queue_per_symbol_max);
  auto snap = parse_object(hget_snapshot("BTC-USD"));
  EXPECT_GT(snap.at("seq").to_number<uint64_t>(), newest_before);
  EXPECT_TRUE(eventually([&] { return svc.get("/readyz").status == 200; }));
}

}  // namespace
}  // namespace mc::quotes
