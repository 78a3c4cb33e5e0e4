// Quotes benchmark against a real Redis.
//  1. Throughput: Coinbase ticker frames parsed, checked and published (PUBLISH + HSET in
//     pipelines) as fast as the publisher drains them; no quote may be conflated away.
//  2. Latency: 1,000 ticks/s; a Redis subscriber on its own connection timestamps receipt;
//     p50/p99 of tick creation -> subscriber callback.
// Usage: quotes_bench --redis-url redis://127.0.0.1:6380 [--out build/bench/quotes.json]
//        [--quotes 200000] [--latency-seconds 10] [--rate 1000]
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/redis/subscriber.h"
#include "quotes/coinbase_message.h"
#include "quotes/quote_checker.h"
#include "quotes/redis_publisher.h"
#include "quotes/time_format.h"

namespace {

using namespace mc::quotes;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct options {
  std::string redis_url = "redis://127.0.0.1:6379";
  std::string out = "build/bench/quotes.json";
  int quotes = 200000;
  int latency_seconds = 10;
  int rate = 1000;
};

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--redis-url")
      o.redis_url = v;
    else if (k == "--out")
      o.out = v;
    else if (k == "--quotes")
      o.quotes = std::stoi(v);
    else if (k == "--latency-seconds")
      o.latency_seconds = std::stoi(v);
    else if (k == "--rate")
      o.rate = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

// Realistic frames: alternating symbols, one-cent spreads, rising sequence and time.
std::vector<std::string> make_frames(int n) {
  std::vector<std::string> frames;
  frames.reserve(static_cast<size_t>(n));
  auto t0 = std::chrono::floor<std::chrono::microseconds>(clock::now());
  for (int i = 0; i < n; ++i) {
    bool btc = i % 2 == 0;
    int64_t bid = (btc ? 6500000 : 350000) + (i % 200);
    std::string b =
        std::to_string(bid / 100) + "." + (bid % 100 < 10 ? "0" : "") + std::to_string(bid % 100);
    std::string a = std::to_string((bid + 1) / 100) + "." + ((bid + 1) % 100 < 10 ? "0" : "") +
                    std::to_string((bid + 1) % 100);
    frames.push_back(R"({"type":"ticker","sequence":)" + std::to_string(1000 + i) +
                     R"(,"product_id":")" + (btc ? "BTC-USD" : "ETH-USD") + R"(","price":")" + a +
                     R"(","open_24h":"64000.00","volume_24h":"13052.61209833","best_bid":")" + b +
                     R"(","best_bid_size":"0.51234567","best_ask":")" + a +
                     R"(","best_ask_size":"1.25000000","side":"buy","time":")" +
                     format_rfc3339_ms(t0 + std::chrono::microseconds{i * 10}) +
                     R"(","trade_id":)" + std::to_string(5000 + i) +
                     R"(,"last_size":"0.00100000"})");
  }
  return frames;
}

uint64_t published_total(quotes_metrics& m) {
  return m.for_symbol("BTC-USD")->published->value() + m.for_symbol("ETH-USD")->published->value();
}

struct throughput_result {
  double normalise_per_sec = 0;
  double quotes_per_sec = 0;
  uint64_t conflated = 0;
};

throughput_result run_throughput(const options& o) {
  const std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};
  auto frames = make_frames(o.quotes);
  throughput_result r;

  {  // Normalisation alone: parse + check, no Redis.
    quote_checker checker(symbols);
    auto started = steady::now();
    size_t good = 0;
    for (const auto& f : frames) {
      auto msg = parse_coinbase_message(f, feed_source::coinbase, {});
      if (auto* t = std::get_if<coinbase_ticker>(&msg); t && !checker.check(t->q)) ++good;
    }
    r.normalise_per_sec =
        static_cast<double>(good) / std::chrono::duration<double>(steady::now() - started).count();
  }

  mc::metrics::registry registry;
  quotes_metrics metrics(registry, feed_source::coinbase, symbols);
  publisher_options po;
  po.redis_url = o.redis_url;
  po.queue_per_symbol_max = 8192;
  po.batch_max = 2048;
  redis_publisher publisher(po, metrics);
  publisher.start();
  quote_checker checker(symbols);
  auto started = steady::now();
  for (const auto& f : frames) {
    auto received = std::chrono::floor<std::chrono::microseconds>(clock::now());
    auto msg = parse_coinbase_message(f, feed_source::coinbase, received);
    auto* t = std::get_if<coinbase_ticker>(&msg);
    if (!t || checker.check(t->q)) continue;
    // Bench-only back-pressure so every quote is published rather than conflated.
    while (publisher.pending() > 6000) std::this_thread::yield();
    publisher.publish(t->q, false);
  }
  while (published_total(metrics) + metrics.conflated.value() < frames.size()) {
    if (steady::now() - started > 120s) break;
    std::this_thread::sleep_for(100us);
  }
  double seconds = std::chrono::duration<double>(steady::now() - started).count();
  r.quotes_per_sec = static_cast<double>(published_total(metrics)) / seconds;
  r.conflated = metrics.conflated.value();
  publisher.stop();
  return r;
}

struct latency_result {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  size_t samples = 0;
};

latency_result run_latency(const options& o) {
  const std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};
  const uint64_t total = static_cast<uint64_t>(o.latency_seconds) * static_cast<uint64_t>(o.rate);
  // Send times in ns since the steady epoch; atomics because the subscriber thread reads them.
  std::vector<std::atomic<int64_t>> sent(total + 1);
  std::vector<double> latencies_ms;
  latencies_ms.reserve(total);
  std::mutex mutex;
  std::atomic<uint64_t> received{0};

  mc::redis::subscriber sub(o.redis_url, [&](std::string_view, std::string_view payload) {
    auto now = steady::now();
    auto pos = payload.find("\"seq\":");
    if (pos == std::string_view::npos) return;
    uint64_t seq = 0;
    std::from_chars(payload.data() + pos + 6, payload.data() + payload.size(), seq);
    if (seq == 0 || seq > total) return;
    std::lock_guard lock(mutex);
    auto sent_at = steady::time_point{steady::duration{sent[seq].load(std::memory_order_acquire)}};
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - sent_at).count());
    ++received;
  });
  sub.subscribe({"quotes:BTC-USD", "quotes:ETH-USD"});
  if (!sub.wait_subscribed(5s)) {
    std::fprintf(stderr, "subscriber could not subscribe\n");
    std::exit(1);
  }

  mc::metrics::registry registry;
  quotes_metrics metrics(registry, feed_source::sim, symbols);
  publisher_options po;
  po.redis_url = o.redis_url;
  redis_publisher publisher(po, metrics);
  publisher.start();
  quote_checker checker(symbols);
  const auto interval = std::chrono::nanoseconds{1'000'000'000 / o.rate};
  auto next = steady::now();
  for (uint64_t i = 1; i <= total; ++i) {
    std::this_thread::sleep_until(next);
    next += interval;
    quote q;
    q.symbol = symbols[i % 2];
    q.bid = 6500000 + static_cast<int64_t>(i % 100);
    q.ask = q.bid + 1;
    q.last = q.ask;
    q.bid_size = q.ask_size = 50000000;
    q.exchange_time = q.receive_time = std::chrono::floor<std::chrono::microseconds>(clock::now());
    q.source = feed_source::sim;
    q.sequence = i;
    sent[i].store(steady::now().time_since_epoch().count(), std::memory_order_release);
    if (!checker.check(q)) publisher.publish(q, false);
  }
  auto deadline = steady::now() + 5s;
  while (received.load() < total && steady::now() < deadline) std::this_thread::sleep_for(1ms);
  publisher.stop();
  sub.stop();

  latency_result r;
  std::lock_guard lock(mutex);
  // The first second warms connections and caches; it is not the steady state.
  size_t skip = std::min(latencies_ms.size(), static_cast<size_t>(o.rate));
  std::vector<double> l(latencies_ms.begin() + static_cast<long>(skip), latencies_ms.end());
  if (l.empty()) return r;
  std::sort(l.begin(), l.end());
  r.samples = l.size();
  r.p50_ms = l[l.size() / 2];
  r.p99_ms = l[std::min(l.size() - 1, l.size() * 99 / 100)];
  r.max_ms = l.back();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  mc::log::init("quotes_bench", mc::log::level::error);
  auto o = parse_args(argc, argv);
  auto t = run_throughput(o);
  auto l = run_latency(o);
  char json[512];
  std::snprintf(json, sizeof json,
                "{\"quotes_per_sec\":%.0f,\"normalise_per_sec\":%.0f,\"conflated\":%llu,"
                "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"latency_samples\":%zu,"
                "\"rate_per_sec\":%d}\n",
                t.quotes_per_sec, t.normalise_per_sec, static_cast<unsigned long long>(t.conflated),
                l.p50_ms, l.p99_ms, l.max_ms, l.samples, o.rate);
  std::fputs(json, stdout);
  auto parent = std::filesystem::path(o.out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream(o.out) << json;
  return 0;
}
