// system_bench: a realistic mix against a running public API (the split system's gateway or
// the monolith) at a fixed offered rate (open loop: latency counts from each request's due
// time, so queueing is included), with WebSocket /ws/quotes subscribers connected meanwhile.
// Mix per 20 requests: 6 quote reads, 4 LIMIT and 1 MARKET orders (each with its own
// Idempotency-Key), 2 cancels of resting orders, 3 order reads, 2 order lists, 2 portfolio
// reads. Users are made through the public API (signup, USD and BTC top-ups).
// Prints per-endpoint p50/p99 and the whole mix's; writes one flat JSON object to --out.
//   system_bench --port P [--label split] [--rate 400] [--duration-s 10] [--warmup-s 3]
//     [--connections 32] [--users 16] [--ws-clients 50] [--out FILE]
// scripts/bench-system.sh runs it against both shapes and compares.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "bench/common/json_fields.h"
#include "bench/common/latency_stats.h"
#include "bench/common/load_generator.h"
#include "common/http/client.h"
#include "common/log/log.h"

namespace {

namespace bench = mc::bench;
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

constexpr auto setup_deadline = std::chrono::seconds(30);  // signup runs argon2id

struct options {
  std::uint16_t port = 0;
  std::string label = "system";
  double rate = 400;
  double duration_s = 10;
  double warmup_s = 3;
  int connections = 32;
  int users = 16;
  int ws_clients = 50;
  std::string out;
};

[[noreturn]] void usage() {
  std::cerr << "usage: system_bench --port P [--label NAME] [--rate 400] [--duration-s 10]\n"
               "  [--warmup-s 3] [--connections 32] [--users 16] [--ws-clients 50] [--out FILE]\n";
  std::exit(2);
}

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage();
    const std::string v = argv[++i];
    if (a == "--port")
      o.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (a == "--label")
      o.label = v;
    else if (a == "--rate")
      o.rate = std::stod(v);
    else if (a == "--duration-s")
      o.duration_s = std::stod(v);
    else if (a == "--warmup-s")
      o.warmup_s = std::stod(v);
    else if (a == "--connections")
      o.connections = std::stoi(v);
    else if (a == "--users")
      o.users = std::stoi(v);
    else if (a == "--ws-clients")
      o.ws_clients = std::stoi(v);
    else if (a == "--out")
      o.out = v;
    else
      usage();
  }
  if (o.port == 0 || o.rate <= 0 || o.duration_s <= 0 || o.connections < 1 || o.users < 1) usage();
  return o;
}

struct bench_user {
  std::string authorization;
};

mc::http::header_list json_headers(const std::string& authorization, std::string key = {}) {
  mc::http::header_list h{{"Authorization", authorization}, {"Content-Type", "application/json"}};
  if (!key.empty()) h.emplace_back("Idempotency-Key", std::move(key));
  return h;
}

bool make_user(const options& opt, const std::string& run_id, int i, bench_user& out) {
  const std::string email = "sysbench-" + run_id + "-" + std::to_string(i) + "@example.com";
  auto r = mc::http::request_blocking(
      "127.0.0.1", opt.port, "POST", "/auth/signup", {{"Content-Type", "application/json"}},
      R"({"email":")" + email + R"(","password":"bench-password-1"})", setup_deadline);
  boost::system::error_code ec;
  auto v = r.ok && r.status == 200 ? boost::json::parse(r.body, ec) : boost::json::value();
  if (!r.ok || r.status != 200 || ec || bench::string_at(v, {"token"}).empty()) {
    std::cerr << "signup " << email << " failed: " << r.status << " " << r.body << r.error << "\n";
    return false;
  }
  out.authorization = "Bearer " + bench::string_at(v, {"token"});
  const std::pair<const char*, const char*> funds[] = {{"USD", "100000000.00"}, {"BTC", "10000"}};
  for (const auto& [currency, amount] : funds) {
    auto t = mc::http::request_blocking(
        "127.0.0.1", opt.port, "POST", "/api/fund/topup",
        json_headers(out.authorization, "sb-fund-" + run_id + "-" + std::to_string(i) + currency),
        R"({"amount":")" + std::string(amount) + R"(","currency":")" + currency + "\"}",
        setup_deadline);
    if (!t.ok || t.status != 200) {
      std::cerr << "topup for " << email << " failed: " << t.status << " " << t.body << "\n";
      return false;
    }
  }
  return true;
}

enum endpoint {
  quotes,
  limit_order,
  market_order,
  cancel,
  get_order,
  list_orders,
  portfolio,
  endpoints
};
const char* endpoint_name[endpoints] = {"GET /api/quotes",         "POST /api/orders LIMIT",
                                        "POST /api/orders MARKET", "DELETE /api/orders/{id}",
                                        "GET /api/orders/{id}",    "GET /api/orders",
                                        "GET /api/portfolio"};
const char* endpoint_key[endpoints] = {"quotes",    "limit_order", "market_order", "cancel",
                                       "get_order", "list_orders", "portfolio"};

endpoint endpoint_of(std::uint64_t seq) {
  static const endpoint mix[20] = {quotes,      limit_order, get_order,    quotes,      portfolio,
                                   limit_order, cancel,      quotes,       list_orders, get_order,
                                   quotes,      limit_order, market_order, quotes,      cancel,
                                   portfolio,   limit_order, get_order,    list_orders, quotes};
  return mix[seq % 20];
}

// The request mix and what it learns from the answers; client thread only.
struct mix {
  const std::vector<bench_user>* users = nullptr;
  std::string key_prefix;
  std::uint64_t keys = 0;
  std::mt19937_64 rng{7};
  struct order_ref {
    std::size_t user;
    std::string id;
  };
  std::vector<order_ref> resting;  // LIMIT orders answered NEW: cancel candidates
  std::vector<order_ref> known;    // every order placed (bounded): read candidates
  std::unordered_map<std::uint64_t, std::pair<endpoint, std::size_t>> inflight;  // seq → what
  bool measuring = false;
  std::vector<double> latencies[endpoints];
  std::uint64_t errors[endpoints] = {};
  std::vector<std::string> error_samples;

  bench::http_call next(std::uint64_t seq) {
    endpoint e = endpoint_of(seq);
    const std::size_t u = rng() % users->size();
    const auto& auth = (*users)[u].authorization;
    if ((e == cancel && resting.empty()) || (e == get_order && known.empty())) e = list_orders;
    inflight[seq] = {e, u};
    switch (e) {
      case quotes:
        return {"GET", seq % 3 ? "/api/quotes?symbol=BTC-USD" : "/api/quotes", {}, {}};
      case limit_order: {
        const char* side = rng() % 2 ? "SELL" : "BUY";
        const std::string price = std::to_string(49'950 + static_cast<int>(rng() % 101)) + ".00";
        const std::string qty = "0.00" + std::to_string(1 + rng() % 9);
        return {"POST", "/api/orders", json_headers(auth, key_prefix + std::to_string(keys++)),
                R"({"symbol":"BTC-USD","side":")" + std::string(side) +
                    R"(","type":"LIMIT","price":")" + price + R"(","qty":")" + qty + "\"}"};
      }
      case market_order: {
        const char* side = rng() % 2 ? "SELL" : "BUY";
        return {"POST", "/api/orders", json_headers(auth, key_prefix + std::to_string(keys++)),
                R"({"symbol":"BTC-USD","side":")" + std::string(side) +
                    R"(","type":"MARKET","qty":"0.001"})"};
      }
      case cancel: {
        const std::size_t pick = rng() % resting.size();
        order_ref o = resting[pick];
        resting[pick] = resting.back();
        resting.pop_back();
        inflight[seq] = {e, o.user};
        return {"DELETE", "/api/orders/" + o.id, json_headers((*users)[o.user].authorization), {}};
      }
      case get_order: {
        const auto& o = known[rng() % known.size()];
        inflight[seq] = {e, o.user};
        return {"GET", "/api/orders/" + o.id, json_headers((*users)[o.user].authorization), {}};
      }
      case list_orders:
        return {"GET", "/api/orders?status=open&limit=20", json_headers(auth), {}};
      case portfolio:
      case endpoints:
        break;
    }
    return {"GET", "/api/portfolio", json_headers(auth), {}};
  }

  void answered(std::uint64_t seq, const mc::http::client_result& r, double latency_ms) {
    const auto it = inflight.find(seq);
    if (it == inflight.end()) return;
    const auto [e, u] = it->second;
    inflight.erase(it);
    // A cancel may find its order filled meanwhile (409): an answer, as a real client gets.
    const bool ok =
        r.ok && ((r.status >= 200 && r.status < 300) || (e == cancel && r.status == 409));
    if (ok && (e == limit_order || e == market_order)) {
      boost::system::error_code ec;
      auto v = boost::json::parse(r.body, ec);
      if (!ec) {
        const std::string id = bench::string_at(v, {"order_id"});
        if (e == limit_order && bench::string_at(v, {"status"}) == "NEW")
          resting.push_back({u, id});
        if (known.size() < 10'000) known.push_back({u, id});
      }
    }
    if (!measuring) return;
    if (ok) {
      latencies[e].push_back(latency_ms);
    } else {
      ++errors[e];
      if (error_samples.size() < 8)
        error_samples.push_back(std::string(endpoint_name[e]) + ": " +
                                (r.ok ? std::to_string(r.status) + " " + r.body.substr(0, 160)
                                      : r.error + " " + r.detail));
    }
  }
};

// WebSocket subscribers on /ws/quotes of the same port: frames counted while connected.
struct ws_stats {
  std::atomic<int> connected{0};
  std::atomic<std::uint64_t> frames{0};
  std::atomic<bool> counting{false};
};

net::awaitable<void> ws_client(std::uint16_t port, ws_stats& st) {
  auto ex = co_await net::this_coro::executor;
  beast::websocket::stream<tcp::socket> ws(ex);
  auto connect = ws.next_layer().async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::as_tuple(net::use_awaitable));
  auto [ec] = co_await std::move(connect);
  if (ec) co_return;
  auto handshake = ws.async_handshake("127.0.0.1", "/ws/quotes", net::as_tuple(net::use_awaitable));
  std::tie(ec) = co_await std::move(handshake);
  if (ec) co_return;
  ++st.connected;
  beast::flat_buffer b;
  for (;;) {
    b.clear();
    auto read = ws.async_read(b, net::as_tuple(net::use_awaitable));
    auto [rec, n] = co_await std::move(read);
    if (rec) break;
    if (st.counting) ++st.frames;
  }
  --st.connected;
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_args(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  mc::log::init("system_bench", mc::log::level::warn);
  const std::string run_id =
      std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100'000'000);

  std::vector<bench_user> users(static_cast<std::size_t>(opt.users));
  {
    std::atomic<int> next{0};
    std::atomic<bool> ok{true};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i; ok && (i = next++) < opt.users;)
          if (!make_user(opt, run_id, i, users[static_cast<std::size_t>(i)])) ok = false;
      });
    }
    for (auto& t : threads) t.join();
    if (!ok) return 1;
  }

  ws_stats ws;
  net::io_context ws_ioc(1);
  for (int i = 0; i < opt.ws_clients; ++i)
    net::co_spawn(ws_ioc, ws_client(opt.port, ws), net::detached);
  std::thread ws_thread([&] { ws_ioc.run(); });
  for (int i = 0; i < 100 && ws.connected.load() < opt.ws_clients; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

  mix m;
  m.users = &users;
  m.key_prefix = "sb-" + run_id + "-";
  bench::load_options lo;
  lo.port = opt.port;
  lo.connections = opt.connections;
  lo.rate_per_s = opt.rate;
  lo.drain_s = 5;
  lo.request_deadline = std::chrono::milliseconds(10'000);
  lo.on_result = [&](std::uint64_t seq, const mc::http::client_result& r, double ms) {
    m.answered(seq, r, ms);
  };
  const bench::call_factory factory = [&](std::uint64_t seq) { return m.next(seq); };
  if (opt.warmup_s > 0) {
    lo.label = opt.label + " warm-up";
    lo.seconds = opt.warmup_s;
    lo.progress = false;
    bench::run_open_loop(lo, factory);
  }
  m.inflight.clear();
  m.measuring = true;
  lo.label = opt.label;
  lo.seconds = opt.duration_s;
  lo.progress = true;
  ws.counting = true;
  const auto result = bench::run_open_loop(lo, factory);
  ws.counting = false;
  const int ws_connected = ws.connected.load();
  const std::uint64_t ws_frames = ws.frames.load();
  ws_ioc.stop();
  ws_thread.join();

  std::vector<double> all;
  std::uint64_t errors = result.unsent;
  for (int e = 0; e < endpoints; ++e) {
    all.insert(all.end(), m.latencies[e].begin(), m.latencies[e].end());
    errors += m.errors[e];
  }
  const auto whole = bench::summarize(all);
  std::vector<bench::table_row> rows;
  for (int e = 0; e < endpoints; ++e) {
    static const int share[endpoints] = {6, 4, 1, 2, 3, 2, 2};  // of every 20, as in the mix
    rows.push_back({endpoint_name[e], opt.rate * share[e] / 20,
                    static_cast<double>(m.latencies[e].size()) / std::max(result.elapsed_s, 1e-9),
                    static_cast<std::size_t>(m.errors[e]), bench::summarize(m.latencies[e])});
  }
  rows.push_back({"whole mix", opt.rate,
                  static_cast<double>(all.size()) / std::max(result.elapsed_s, 1e-9),
                  static_cast<std::size_t>(errors), whole});
  std::printf(
      "\n%s at %.0f requests/s offered, %d connections, %d users, %d of %d WebSocket "
      "subscribers (%llu frames, %.1f per subscriber per s)\n",
      opt.label.c_str(), opt.rate, opt.connections, opt.users, ws_connected, opt.ws_clients,
      static_cast<unsigned long long>(ws_frames),
      ws_connected ? static_cast<double>(ws_frames) / ws_connected / opt.duration_s : 0.0);
  bench::print_table(stdout, rows);
  for (const auto& s : m.error_samples) std::fprintf(stderr, "  error: %s\n", s.c_str());

  boost::json::object j;
  j["label"] = opt.label;
  j["offered_rate"] = opt.rate;
  j["achieved_rate"] = static_cast<double>(all.size()) / std::max(result.elapsed_s, 1e-9);
  j["duration_s"] = opt.duration_s;
  j["connections"] = opt.connections;
  j["users"] = opt.users;
  j["requests"] = all.size();
  j["errors"] = errors;
  j["p50_ms"] = whole.p50_ms;
  j["p90_ms"] = whole.p90_ms;
  j["p99_ms"] = whole.p99_ms;
  j["max_ms"] = whole.max_ms;
  for (int e = 0; e < endpoints; ++e) {
    const auto p = bench::summarize(m.latencies[e]);
    j[std::string(endpoint_key[e]) + "_count"] = m.latencies[e].size();
    j[std::string(endpoint_key[e]) + "_p50_ms"] = p.p50_ms;
    j[std::string(endpoint_key[e]) + "_p99_ms"] = p.p99_ms;
  }
  j["ws_clients"] = ws_connected;
  j["ws_frames"] = ws_frames;
  const std::string line = boost::json::serialize(j);
  std::printf("%s\n", line.c_str());
  if (!opt.out.empty()) {
    std::ofstream out(opt.out);
    out << line << "\n";
    if (!out) {
      std::cerr << "cannot write " << opt.out << "\n";
      return 1;
    }
  }
  // Nothing measured, or more than 1 % of the mix failing, is not a comparison.
  return !all.empty() && errors * 100 <= all.size() + errors ? 0 : 1;
}
