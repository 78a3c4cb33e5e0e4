// tradeledger_bench: how many durable orders per second TradeLedger takes, and how fast it
// answers. Starts the service in-process (port 0, access log off) on a fresh database, funds
// users, then measures (a) closed-loop max throughput over N keep-alive HTTP connections,
// (b) p50/p99 latency at a fixed offered rate (open loop, latency from the scheduled send time,
// so a stall is not hidden), (c) the same order flow calling ledger::place_order in-process.
// Writes one flat JSON object to --out.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/http/client.h"
#include "common/io/event_loops.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/api/request_builder.h"
#include "tradeledger/api/request_parser.h"
#include "tradeledger/api/service_auth.h"
#include "tradeledger/service/tradeledger_service.h"

namespace {

namespace net = boost::asio;
namespace tl = mc::tradeledger;
using clock_type = std::chrono::steady_clock;

constexpr std::string_view bench_secret = "tradeledger-bench-service-secret";
constexpr auto request_deadline = std::chrono::seconds(30);

struct options {
  std::string postgres_url;  // admin URL: a fresh database is created next to it
  std::string redis_url;
  std::string out = "build/bench/tradeledger.json";
  int connections = 64;
  int client_threads = 1;
  int server_threads = 2;
  int users = 64;
  double warmup_s = 2;
  double duration_s = 10;
  double rate = 0;  // open-loop offered rate; 0 = 50% of the measured maximum
  int inproc_in_flight = 512;
  std::string phases = "abc";  // which of (a) closed loop, (b) open loop, (c) in-process run
};

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--postgres-url")
      o.postgres_url = next();
    else if (a == "--redis-url")
      o.redis_url = next();
    else if (a == "--out")
      o.out = next();
    else if (a == "--connections")
      o.connections = std::stoi(next());
    else if (a == "--client-threads")
      o.client_threads = std::stoi(next());
    else if (a == "--server-threads")
      o.server_threads = std::stoi(next());
    else if (a == "--users")
      o.users = std::stoi(next());
    else if (a == "--warmup-s")
      o.warmup_s = std::stod(next());
    else if (a == "--duration-s")
      o.duration_s = std::stod(next());
    else if (a == "--rate")
      o.rate = std::stod(next());
    else if (a == "--inproc-in-flight")
      o.inproc_in_flight = std::stoi(next());
    else if (a == "--phases")
      o.phases = next();
    else {
      std::cerr << "usage: tradeledger_bench --postgres-url URL --redis-url URL [--out FILE]\n"
                   "  [--connections 64] [--client-threads 1] [--server-threads 2] [--users 64]\n"
                   "  [--warmup-s 2] [--duration-s 10] [--rate R] [--inproc-in-flight 512]\n"
                   "  [--phases abc]  (a) closed loop, (b) open loop at --rate, (c) in-process\n";
      std::exit(2);
    }
  }
  if (o.postgres_url.empty() || o.redis_url.empty()) {
    std::cerr << "--postgres-url and --redis-url are required\n";
    std::exit(2);
  }
  return o;
}

// CREATE DATABASE next to the admin URL's database; returns the new database's name.
std::string create_database(const std::string& admin_url) {
  const std::string name =
      "tl_bench_" + std::to_string(::getpid()) + "_" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
  pqxx::connection c(admin_url);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name);
  return name;
}

// Dropped at the end: a previous run's tables being autovacuumed would steal the next run's
// CPU and disk.
void drop_database(const std::string& admin_url, const std::string& name) {
  pqxx::connection c(admin_url);
  pqxx::nontransaction tx(c);
  tx.exec("DROP DATABASE " + name + " WITH (FORCE)");  // the service still holds connections
}

std::string database_url(const std::string& admin_url, const std::string& name) {
  boost::urls::url u = boost::urls::parse_uri(admin_url).value();
  u.set_path("/" + name);
  return std::string(u.buffer());
}

// The order flow: LIMIT orders around 50,000 so about half cross and half rest.
struct order_flow {
  std::vector<std::string> users;
  std::mt19937_64 rng{42};
  std::atomic<std::uint64_t> seq{0};

  struct order {
    std::string user, side, price, qty, key;
  };
  order next(std::mt19937_64& r) {
    order o;
    o.user = users[r() % users.size()];
    o.side = r() % 2 ? "BUY" : "SELL";
    o.price = std::to_string(49'950 + static_cast<int>(r() % 101)) + ".00";
    o.qty = "0.0" + std::to_string(1 + r() % 9);
    o.key = "b" + std::to_string(seq.fetch_add(1));
    return o;
  }
  static std::string body(const order& o) {
    return "{\"user_id\":\"" + o.user + "\",\"symbol\":\"BTC-USD\",\"side\":\"" + o.side +
           "\",\"type\":\"LIMIT\",\"price\":\"" + o.price + "\",\"qty\":\"" + o.qty + "\"}";
  }
};

struct counters {
  std::atomic<std::uint64_t> ok{0}, refused{0}, failed{0};
};

void count(counters& c, const mc::http::client_result& r) {
  if (r.ok && r.status == 201)
    ++c.ok;
  else if (r.ok && r.status < 500)
    ++c.refused;
  else
    ++c.failed;
}

mc::http::header_list headers(tl::service_token_minter& minter, std::string key) {
  return {{"Authorization", minter.authorization()},
          {"Idempotency-Key", std::move(key)},
          {"Content-Type", "application/json"}};
}

// Runs `n` client threads over one io_context until it runs out of work.
void run_clients(net::io_context& ioc, int n) {
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
}

// (a) Closed loop: every connection sends its next order as soon as the last is answered.
double closed_loop(const options& opt, std::uint16_t port, order_flow& flow,
                   tl::service_token_minter& minter, double seconds, counters& c) {
  net::io_context ioc(opt.client_threads);
  const auto start = clock_type::now();
  const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(seconds));
  for (int i = 0; i < opt.connections; ++i) {
    net::co_spawn(
        ioc,
        [&, i]() -> net::awaitable<void> {
          mc::http::client_pool pool("127.0.0.1", port);
          std::mt19937_64 r(static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL + 1);
          while (clock_type::now() < end) {
            auto o = flow.next(r);
            auto res = co_await pool.request("POST", "/orders", headers(minter, o.key),
                                             order_flow::body(o), request_deadline);
            count(c, res);
          }
        },
        net::detached);
  }
  run_clients(ioc, opt.client_threads);
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct latency_result {
  double achieved_per_s = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// (b) Open loop: requests are due at start + i/rate whether or not earlier ones returned;
// latency counts from the due time. Connections come from a keep-alive pool that grows as needed.
latency_result open_loop(const options& opt, std::uint16_t port, order_flow& flow,
                         tl::service_token_minter& minter, double rate, double seconds,
                         counters& c) {
  net::io_context ioc(1);
  std::vector<double> latencies_ms;
  std::mutex mutex;
  const auto total = static_cast<std::uint64_t>(rate * seconds);
  mc::http::client_options copts;
  copts.max_idle_connections = 1024;
  auto pool = std::make_shared<mc::http::client_pool>("127.0.0.1", port, copts);
  const auto start = clock_type::now() + std::chrono::milliseconds(50);
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        net::steady_timer timer(co_await net::this_coro::executor);
        std::mt19937_64 r(7);
        for (std::uint64_t i = 0; i < total; ++i) {
          const auto due =
              start + std::chrono::duration_cast<clock_type::duration>(
                          std::chrono::duration<double>(static_cast<double>(i) / rate));
          if (due > clock_type::now()) {
            timer.expires_at(due);
            co_await timer.async_wait(net::use_awaitable);
          }
          auto o = flow.next(r);
          net::co_spawn(
              ioc,
              [&, pool, due, o = std::move(o)]() -> net::awaitable<void> {
                auto res = co_await pool->request("POST", "/orders", headers(minter, o.key),
                                                  order_flow::body(o), request_deadline);
                const double ms =
                    std::chrono::duration<double, std::milli>(clock_type::now() - due).count();
                count(c, res);
                std::lock_guard lock(mutex);
                latencies_ms.push_back(ms);
              },
              net::detached);
        }
      },
      net::detached);
  run_clients(ioc, 1);
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  latency_result out;
  out.achieved_per_s = static_cast<double>(c.ok.load()) / elapsed;
  out.p50_ms = percentile(latencies_ms, 0.50);
  out.p99_ms = percentile(latencies_ms, 0.99);
  out.max_ms =
      latencies_ms.empty() ? 0 : *std::max_element(latencies_ms.begin(), latencies_ms.end());
  return out;
}

// One of (c)'s callers. A named coroutine with its state as parameters, and the call's
// awaitable a named local: GCC 12 miscompiles lambda coroutines (and temporaries inside their
// co_await expressions) — the lambda this replaced freed an invalid pointer in Release.
net::awaitable<void> in_process_caller(tl::ledger& ledger, order_flow& flow,
                                       clock_type::time_point end, std::uint64_t seed,
                                       counters& c) {
  std::mt19937_64 r(seed);
  while (clock_type::now() < end) {
    const auto o = flow.next(r);
    tl::place_order_request req = tl::order_from(tl::default_markets(), o.user, o.key, "BTC-USD",
                                                 o.side, "LIMIT", o.price, o.qty);
    tl::call_context ctx;
    auto call = ledger.place_order(std::move(req), ctx);
    const tl::command_result res = co_await std::move(call);
    if (res.error == tl::error_code::none)
      ++c.ok;
    else if (res.error == tl::error_code::unavailable || res.error == tl::error_code::internal)
      ++c.failed;
    else
      ++c.refused;
  }
}

// (c) In-process: the same orders straight into ledger::place_order, `in_flight` at a time.
double in_process(const options& opt, tl::ledger& ledger, order_flow& flow, double seconds,
                  counters& c) {
  net::io_context ioc(1);
  const auto start = clock_type::now();
  const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                               std::chrono::duration<double>(seconds));
  for (int i = 0; i < opt.inproc_in_flight; ++i) {
    net::co_spawn(ioc,
                  in_process_caller(ledger, flow, end, static_cast<std::uint64_t>(i) + 1000, c),
                  net::detached);
  }
  ioc.run();
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// The core's own histograms (same process): batches committed, commands per batch, commit time.
struct core_stats {
  std::uint64_t batches = 0;
  double commands = 0;
  double commit_s = 0;
  std::uint64_t slow_commits = 0;  // commits that took more than 25 ms
};

core_stats read_core_stats() {
  auto& reg = mc::metrics::default_registry();
  auto& batch = reg.histogram("tradeledger_batch_commands", "");
  auto& commit = reg.histogram("tradeledger_commit_seconds", "");
  std::uint64_t slow = 0;
  const auto& bounds = commit.upper_bounds();
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    if (i == bounds.size() || bounds[i] > 0.025) slow += commit.bucket_count(i);
  }
  return {commit.count(), batch.sum(), commit.sum(), slow};
}

void print_core_stats(const char* phase, const core_stats& a, const core_stats& b) {
  const auto n = b.batches - a.batches;
  if (n == 0) return;
  std::printf(
      "    core during %s: %llu batches, %.1f commands/batch, %.2f ms/commit, %llu commits > 25 "
      "ms\n",
      phase, static_cast<unsigned long long>(n), (b.commands - a.commands) / static_cast<double>(n),
      1000.0 * (b.commit_s - a.commit_s) / static_cast<double>(n),
      static_cast<unsigned long long>(b.slow_commits - a.slow_commits));
}

// Rows the run inserted per order: every table that gains rows with orders (not the per-user,
// per-account, per-position or per-market state rows a batch upserts), counted exactly.
struct row_counts {
  double per_order = 0;
  std::string breakdown;  // "table rows/order, ..."
};

row_counts count_rows_per_order(const std::string& url) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  const double orders = tx.exec1("SELECT count(*) FROM tradeledger.orders")[0].as<double>();
  row_counts out;
  if (orders == 0) return out;
  double total = 0;
  for (const auto& t : tx.exec(
           "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tradeledger' "
           "AND table_type = 'BASE TABLE' AND table_name NOT IN ('users', 'accounts', "
           "'positions', 'markets', 'outbox_cursor', 'persist_state', 'schema_migrations') "
           "ORDER BY table_name")) {
    const std::string name = t[0].as<std::string>();
    const double n =
        tx.exec1("SELECT count(*) FROM tradeledger." + tx.quote_name(name))[0].as<double>();
    total += n;
    char part[128];
    std::snprintf(part, sizeof part, "%s%s %.2f", out.breakdown.empty() ? "" : ", ", name.c_str(),
                  n / orders);
    out.breakdown += part;
  }
  out.per_order = total / orders;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_args(argc, argv);
  mc::log::init("tradeledger_bench", mc::log::level::warn);

  tl::service_config cfg;
  cfg.port = 0;
  cfg.bind_address = "127.0.0.1";
  const std::string database = create_database(opt.postgres_url);
  cfg.postgres_url = database_url(opt.postgres_url, database);
  cfg.redis_url = opt.redis_url;
  cfg.service_jwt_secret = std::string(bench_secret);
  cfg.migrations_dir = std::string(MC_SOURCE_DIR) + "/migrations";
  cfg.house_liquidity = false;  // users trade with each other; no quote feed needed
  cfg.access_log = false;
  cfg.http_threads = opt.server_threads;

  // As the binary runs it: one event loop per server thread.
  mc::io::event_loops server_loops(static_cast<unsigned>(opt.server_threads));
  tl::tradeledger_service service(cfg, server_loops);
  service.start();
  std::thread server_thread([&] { server_loops.run(); });
  const std::uint16_t port = service.port();
  tl::service_token_minter minter(std::string(bench_secret), "bench");

  order_flow flow;
  {
    tl::uuid_generator gen;
    for (int i = 0; i < opt.users; ++i) flow.users.push_back(gen.next());
  }
  for (const auto& u : flow.users) {
    const std::pair<const char*, const char*> funds[] = {{"USD", "100000000.00"}, {"BTC", "10000"}};
    for (const auto& [currency, amount] : funds) {
      const std::string body = "{\"user_id\":\"" + u + "\",\"amount\":\"" + amount +
                               "\",\"currency\":\"" + currency + "\"}";
      auto r = mc::http::request_blocking(
          "127.0.0.1", port, "POST", "/topups",
          headers(minter, "fund-" + std::string(currency) + "-" + u), body);
      if (!r.ok || r.status != 200) {
        std::cerr << "funding failed: " << r.status << " " << r.body << r.error << "\n";
        return 1;
      }
    }
  }

  std::printf(
      "tradeledger_bench: %d connections, %d client thread(s), %d server thread(s), %d users\n",
      opt.connections, opt.client_threads, opt.server_threads, opt.users);
  counters warm;
  closed_loop(opt, port, flow, minter, opt.warmup_s, warm);

  auto phase = [&](char p) { return opt.phases.find(p) != std::string::npos; };
  counters max_c;
  const core_stats s0 = read_core_stats();
  const double elapsed =
      phase('a') ? closed_loop(opt, port, flow, minter, opt.duration_s, max_c) : 1.0;
  const double orders_per_sec = static_cast<double>(max_c.ok.load()) / elapsed;
  std::printf("(a) closed loop: %.0f orders/s (%llu ok, %llu refused, %llu failed in %.1f s)\n",
              orders_per_sec, static_cast<unsigned long long>(max_c.ok.load()),
              static_cast<unsigned long long>(max_c.refused.load()),
              static_cast<unsigned long long>(max_c.failed.load()), elapsed);

  const core_stats s1 = read_core_stats();
  print_core_stats("(a)", s0, s1);
  const double rate = opt.rate > 0 ? opt.rate : std::max(100.0, orders_per_sec * 0.5);
  counters lat_c;
  const latency_result lat = phase('b')
                                 ? open_loop(opt, port, flow, minter, rate, opt.duration_s, lat_c)
                                 : latency_result{};
  std::printf(
      "(b) open loop at %.0f/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%llu ok, %llu failed)\n",
      rate, lat.p50_ms, lat.p99_ms, lat.max_ms, static_cast<unsigned long long>(lat_c.ok.load()),
      static_cast<unsigned long long>(lat_c.failed.load()));

  const core_stats s2 = read_core_stats();
  print_core_stats("(b)", s1, s2);
  counters in_c;
  const double in_elapsed =
      phase('c') ? in_process(opt, service.api(), flow, opt.duration_s, in_c) : 1.0;
  const double inproc_per_sec = static_cast<double>(in_c.ok.load()) / in_elapsed;
  std::printf("(c) in-process ledger::place_order: %.0f orders/s (%llu failed)\n", inproc_per_sec,
              static_cast<unsigned long long>(in_c.failed.load()));

  print_core_stats("(c)", s2, read_core_stats());
  const core_stats all = read_core_stats();
  service.stop();
  server_loops.stop();
  server_thread.join();
  const row_counts rows = count_rows_per_order(cfg.postgres_url);
  std::printf("rows per order: %.2f (%s)\n", rows.per_order, rows.breakdown.c_str());
  drop_database(opt.postgres_url, database);

  std::ofstream out(opt.out);
  char json[1024];
  std::snprintf(json, sizeof json,
                "{\"orders_per_sec\": %.0f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
                "\"offered_rate\": %.0f, \"achieved_rate\": %.0f, \"inproc_orders_per_sec\": %.0f, "
                "\"connections\": %d, \"server_threads\": %d, \"client_threads\": %d, "
                "\"failed\": %llu, \"avg_batch_commands\": %.1f, \"avg_commit_ms\": %.3f, "
                "\"rows_per_order\": %.2f}\n",
                orders_per_sec, lat.p50_ms, lat.p99_ms, lat.max_ms, rate, lat.achieved_per_s,
                inproc_per_sec, opt.connections, opt.server_threads, opt.client_threads,
                static_cast<unsigned long long>(max_c.failed + lat_c.failed + in_c.failed),
                all.batches ? all.commands / static_cast<double>(all.batches) : 0.0,
                all.batches ? 1000.0 * all.commit_s / static_cast<double>(all.batches) : 0.0,
                rows.per_order);
  out << json;
  std::printf("%s", json);
  return 0;
}
