// Load tool for /ws/quotes fan-out: starts a quote_hub + http::server in-process (against a
// real Redis), opens N WebSocket clients, PUBLISHes quotes carrying a send timestamp and
// reports quote-to-client latency p50/p99/max over every delivered frame.
//   ws_fanout_bench --redis redis://127.0.0.1:6380 [--clients 10000] [--quotes 200]
//                   [--rate 20] [--server-threads 2]
#include <sys/resource.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/http/server.h"
#include "common/redis/client.h"
#include "gateway/market/quote_hub.h"

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

// Only frames with "bench_ns" count (the snapshot frames have none).
net::awaitable<void> client(std::uint16_t port, std::vector<std::int64_t>& latencies,
                            std::atomic<int>& connected) {
  auto ex = co_await net::this_coro::executor;
  beast::websocket::stream<tcp::socket> ws(ex);
  auto [ec] = co_await ws.next_layer().async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::as_tuple(net::use_awaitable));
  if (ec) co_return;
  std::tie(ec) =
      co_await ws.async_handshake("127.0.0.1", "/ws/quotes", net::as_tuple(net::use_awaitable));
  if (ec) co_return;
  ++connected;
  beast::flat_buffer b;
  for (;;) {
    b.clear();
    auto [rec, n] = co_await ws.async_read(b, net::as_tuple(net::use_awaitable));
    if (rec) co_return;
    auto text = beast::buffers_to_string(b.data());
    auto at = text.find("\"bench_ns\":");
    if (at == std::string::npos) continue;
    latencies.push_back(now_ns() - std::stoll(text.substr(at + 11)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string redis_url;
  int clients = 10000, quotes = 200, rate = 20;
  unsigned server_threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--redis") redis_url = v;
    if (a == "--clients") clients = std::stoi(v);
    if (a == "--quotes") quotes = std::stoi(v);
    if (a == "--rate") rate = std::stoi(v);
    if (a == "--server-threads") server_threads = static_cast<unsigned>(std::stoul(v));
  }
  if (redis_url.empty()) {
    std::fprintf(stderr, "usage: %s --redis URL [--clients N] [--quotes N] [--rate per_s]\n",
                 argv[0]);
    return 2;
  }
  // Each client is two sockets in this process (client and server side).
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  // Declared before the hub: the hub's sessions hold timers of this io_context.
  net::io_context server_ioc;
  mc::gateway::market::quote_hub_options o;
  o.redis_url = redis_url;
  o.channel_prefix = "bench-quotes:";
  o.snapshot_key = "bench-quotes:latest";
  o.slow_client_timeout_ms = std::chrono::milliseconds(60'000);
  mc::gateway::market::quote_hub hub(o);
  if (!hub.wait_ready(std::chrono::seconds(10))) {
    std::fprintf(stderr, "Redis not ready\n");
    return 1;
  }
  mc::http::router routes;
  hub.add_routes(routes, {});
  mc::http::server_options so;
  so.access_log = false;
  so.ws_idle_timeout = std::chrono::milliseconds(120'000);
  mc::http::server srv(server_ioc, so, routes);
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < server_threads; ++i) threads.emplace_back([&] { server_ioc.run(); });

  net::io_context client_ioc;
  std::vector<std::int64_t> latencies;
  latencies.reserve(static_cast<size_t>(clients) * quotes);
  std::atomic<int> connected{0};
  for (int i = 0; i < clients; ++i) {
    net::co_spawn(client_ioc, client(srv.port(), latencies, connected), net::detached);
  }
  auto work = net::make_work_guard(client_ioc);
  std::thread client_thread([&] { client_ioc.run(); });
  auto deadline = steady::now() + std::chrono::seconds(120);
  while (connected.load() < clients && steady::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  while (hub.stats().clients < static_cast<std::uint64_t>(connected.load()) &&
         steady::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("connected %d of %d clients\n", connected.load(), clients);

  mc::redis::client pub(redis_url);
  auto period = std::chrono::microseconds(1'000'000 / std::max(rate, 1));
  for (int i = 0; i < quotes; ++i) {
    std::string sym = i % 2 ? "ETH-USD" : "BTC-USD";
    std::string json = R"({"symbol":")" + sym + R"(","bid":"1.00","ask":"1.01","ts":"",)" +
                       R"("bench_ns":)" + std::to_string(now_ns()) + "}";
    pub.command({"PUBLISH", o.channel_prefix + sym, json});
    std::this_thread::sleep_for(period);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a tool, not a test: let the tail land
  srv.stop();
  server_ioc.stop();
  for (auto& t : threads) t.join();
  client_ioc.stop();
  client_thread.join();

  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[static_cast<size_t>(p * static_cast<double>(latencies.size() - 1))] / 1e6;
  };
  auto s = hub.stats();
  std::printf(
      "frames %zu (expected %lld) p50 %.2f ms p99 %.2f ms max %.2f ms coalesced %llu "
      "slow_closed %llu\n",
      latencies.size(), static_cast<long long>(connected.load()) * quotes, pct(0.5), pct(0.99),
      pct(1.0), static_cast<unsigned long long>(s.coalesced),
      static_cast<unsigned long long>(s.slow_closed));
  return 0;
}
