// mc::metrics: Prometheus text rendering, label handling, type clashes and concurrent updates.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/metrics/metrics.h"

namespace mc::metrics {
namespace {

TEST(Metrics, CounterRendersHelpTypeAndLabels) {
  registry reg;
  auto& c =
      reg.counter("http_requests_total", "Requests.", {{"status", "200"}, {"route", "/orders"}});
  c.inc();
  c.inc(2);
  EXPECT_EQ(reg.render(),
            "# HELP http_requests_total Requests.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{route=\"/orders\",status=\"200\"} 3\n");
}

TEST(Metrics, SameLabelsInAnyOrderReturnTheSameInstance) {
  registry reg;
  auto& a = reg.counter("x_total", "h", {{"a", "1"}, {"b", "2"}});
  auto& b = reg.counter("x_total", "h", {{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&a, &b);
  auto& other = reg.counter("x_total", "h", {{"a", "1"}, {"b", "3"}});
  EXPECT_NE(&a, &other);
}

TEST(Metrics, GaugeAndEscaping) {
  registry reg;
  auto& g = reg.gauge("queue_depth", "Line one\\two\nthree", {{"name", "a\"b\\c\nd"}});
  g.set(2.5);
  g.inc();
  g.dec();
  g.add(-1);
  EXPECT_EQ(reg.render(),
            "# HELP queue_depth Line one\\\\two\\nthree\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth{name=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  registry reg;
  const double bounds[] = {0.1, 1, 10};
  auto& h = reg.histogram("latency_seconds", "Latency.", {{"route", "/x"}}, bounds);
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(5);
  h.observe(50);
  EXPECT_EQ(reg.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"
            "latency_seconds_bucket{route=\"/x\",le=\"10\"} 3\n"
            "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/x\"} 55.15\n"
            "latency_seconds_count{route=\"/x\"} 4\n");
}

TEST(Metrics, DefaultLatencyBucketsPrintPlainDecimals) {
  registry reg;
  reg.histogram("d_seconds", "h").observe(0.0002);
  const auto text = reg.render();
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.0001\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.00025\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_count 1\n"), std::string::npos) << text;
}

TEST(Metrics, FamiliesSortedByName) {
  registry reg;
  reg.counter("b_total", "b").inc();
  reg.counter("a_total", "a").inc();
  const auto text = reg.render();
  EXPECT_LT(text.find("a_total"), text.find("b_total"));
}

TEST(Metrics, MisuseThrowsLogicError) {
  registry reg;
  reg.counter("thing", "h");
  EXPECT_THROW(reg.gauge("thing", "h"), std::logic_error);
  EXPECT_THROW(reg.counter("9bad", "h"), std::logic_error);
  EXPECT_THROW(reg.counter("ok_total", "h", {{"bad-label", "v"}}), std::logic_error);
  EXPECT_THROW(reg.histogram("h_seconds", "h", {{"le", "1"}}), std::logic_error);
  const double unsorted[] = {2, 1};
  EXPECT_THROW(reg.histogram("u_seconds", "h", {}, unsorted), std::logic_error);
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  registry reg;
  constexpr int threads = 4;
  constexpr int per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&reg, t] {
      // Lookups race with each other and with render(); updates race on the same atomics.
      auto& c = reg.counter("c_total", "h", {{"shared", "yes"}});
      auto& own = reg.counter("c_total", "h", {{"shared", std::to_string(t)}});
      auto& h = reg.histogram("h_seconds", "h");
      auto& g = reg.gauge("g", "h");
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        own.inc();
        h.observe(0.001);
        g.add(1);
        if (i % 5000 == 0) (void)reg.render();
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(reg.counter("c_total", "h", {{"shared", "yes"}}).value(),
            std::uint64_t{threads * per_thread});
  EXPECT_EQ(reg.histogram("h_seconds", "h").count(), std::uint64_t{threads * per_thread});
  EXPECT_DOUBLE_EQ(reg.gauge("g", "h").value(), threads * per_thread);
  EXPECT_NE(reg.render().find("c_total{shared=\"3\"} 20000\n"), std::string::npos);
}

TEST(Metrics, DefaultRegistryIsOneInstance) {
  EXPECT_EQ(&default_registry(), &default_registry());
}

}  // namespace
}  // namespace mc::metrics
