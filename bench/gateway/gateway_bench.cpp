// gateway_bench: durable orders per second and latency end to end through the gateway
// (POST /api/orders: auth, rate limit, idempotency → TradeLedger → PostgreSQL commit), and the
// same order flow with the same generator and connection count straight into TradeLedger's
// internal API (POST /orders with a service token). For each path: closed-loop peak, then an
// open loop at a fraction (default half) of that peak with latency from the scheduled send time.
// Users are made through the public API (signup, top-up). Writes one flat JSON object to --out.
//   SERVICE_JWT_SECRET=… gateway_bench --gateway-port P --ledger-port P [--out FILE] …
// scripts/bench-gateway.sh starts the system on free ports and runs this.
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include "bench/common/json_fields.h"
#include "bench/common/latency_stats.h"
#include "bench/common/load_generator.h"
#include "common/http/client.h"
#include "common/log/log.h"
#include "tradeledger/api/service_auth.h"

namespace {

namespace bench = mc::bench;
namespace tl = mc::tradeledger;

constexpr auto setup_deadline = std::chrono::seconds(30);  // signup runs argon2id
constexpr int signup_threads = 4;
// Goals from the issue, printed next to the figures.
constexpr double goal_ratio_min = 0.7;
constexpr double goal_p99_ms_max = 30;

struct options {
  std::uint16_t gateway_port = 0;
  std::uint16_t ledger_port = 0;
  std::string service_secret;  // from SERVICE_JWT_SECRET
  std::string out = "build/bench/gateway.json";
  int connections = 64;
  int users = 64;
  double warmup_s = 2;
  double duration_s = 10;
  double rate_fraction = 0.5;  // open loop offered rate = this × the path's closed-loop peak
  // Processes whose CPU time per order is reported for each closed loop ("name=pid,...").
  std::vector<std::pair<std::string, int>> watch;
};

[[noreturn]] void usage() {
  std::cerr << "usage: SERVICE_JWT_SECRET=... gateway_bench --gateway-port P --ledger-port P\n"
               "  [--out build/bench/gateway.json] [--connections 64] [--users 64]\n"
               "  [--warmup-s 2] [--duration-s 10] [--rate-fraction 0.5]\n"
               "  [--watch-pids gateway=PID,tradeledger=PID,...]  CPU per order of those\n";
  std::exit(2);
}

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage();
    std::string v = argv[++i];
    if (a == "--gateway-port")
      o.gateway_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (a == "--ledger-port")
      o.ledger_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (a == "--out")
      o.out = v;
    else if (a == "--connections")
      o.connections = std::stoi(v);
    else if (a == "--users")
      o.users = std::stoi(v);
    else if (a == "--warmup-s")
      o.warmup_s = std::stod(v);
    else if (a == "--duration-s")
      o.duration_s = std::stod(v);
    else if (a == "--rate-fraction")
      o.rate_fraction = std::stod(v);
    else if (a == "--watch-pids") {
      std::stringstream list(v);
      for (std::string item; std::getline(list, item, ',');) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) usage();
        o.watch.emplace_back(item.substr(0, eq), std::stoi(item.substr(eq + 1)));
      }
    } else
      usage();
  }
  if (const char* s = std::getenv("SERVICE_JWT_SECRET")) o.service_secret = s;
  if (o.gateway_port == 0 || o.ledger_port == 0 || o.service_secret.empty()) usage();
  if (o.connections < 1 || o.users < 1 || o.duration_s <= 0 || o.rate_fraction <= 0) usage();
  return o;
}

struct bench_user {
  std::string id;
  std::string authorization;  // "Bearer <access token>"
};

mc::http::header_list json_headers(std::string authorization, std::string idempotency_key = {}) {
  mc::http::header_list h{{"Authorization", std::move(authorization)},
                          {"Content-Type", "application/json"}};
  if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", std::move(idempotency_key));
  return h;
}

// Signup, then USD and BTC top-ups (so both BUY and SELL orders are funded), all through the
// public API. Returns false (after printing why) if any step failed.
bool make_user(const options& opt, const std::string& run_id, int i, bench_user& out) {
  const std::string email = "bench-" + run_id + "-" + std::to_string(i) + "@example.com";
  auto r = mc::http::request_blocking(
      "127.0.0.1", opt.gateway_port, "POST", "/auth/signup", {{"Content-Type", "application/json"}},
      R"({"email":")" + email + R"(","password":"bench-password-)" + std::to_string(i) + "\"}",
      setup_deadline);
  if (!r.ok || r.status != 200) {
    std::cerr << "signup " << email << " failed: " << r.status << " " << r.body << r.error << "\n";
    return false;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec) {
    out.id = bench::string_at(v, {"user", "id"});
    out.authorization = "Bearer " + bench::string_at(v, {"token"});
  }
  if (ec || out.id.empty() || out.authorization == "Bearer ") {
    std::cerr << "signup answer without token or user.id: " << r.body << "\n";
    return false;
  }
  const std::pair<const char*, const char*> funds[] = {{"USD", "100000000.00"}, {"BTC", "10000"}};
  for (const auto& [currency, amount] : funds) {
    auto t = mc::http::request_blocking(
        "127.0.0.1", opt.gateway_port, "POST", "/api/fund/topup",
        json_headers(out.authorization,
                     "topup-" + std::string(currency) + "-" + run_id + "-" + std::to_string(i)),
        R"({"amount":")" + std::string(amount) + R"(","currency":")" + currency + "\"}",
        setup_deadline);
    if (!t.ok || t.status != 200) {
      std::cerr << "topup " << currency << " for " << email << " failed: " << t.status << " "
                << t.body << t.error << "\n";
      return false;
    }
  }
  return true;
}

bool make_users(const options& opt, const std::string& run_id, std::vector<bench_user>& users) {
  users.resize(static_cast<std::size_t>(opt.users));
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < signup_threads; ++t) {
    threads.emplace_back([&] {
      for (int i; ok && (i = next++) < opt.users;) {
        if (!make_user(opt, run_id, i, users[static_cast<std::size_t>(i)])) ok = false;
      }
    });
  }
  for (auto& t : threads) t.join();
  return ok;
}

// The order flow, identical on both paths: LIMIT orders for BTC-USD priced 49,950–50,050,
// alternating BUY and SELL, each user in turn, so about half cross (each other or the house)
// and half rest. Every order has its own Idempotency-Key.
struct order_flow {
  const std::vector<bench_user>* users = nullptr;
  std::string key_prefix;  // unique per run
  std::uint64_t keys = 0;  // client thread only
  std::mt19937_64 rng{42};

  struct order {
    const bench_user* user;
    std::string fields;  // the JSON members after "{" (and after user_id on the direct path)
    std::string key;
  };
  order next(std::uint64_t seq) {
    const auto& u = (*users)[(seq / 2) % users->size()];
    const char* side = seq % 2 ? "SELL" : "BUY";
    const std::string price = std::to_string(49'950 + static_cast<int>(rng() % 101)) + ".00";
    const std::string qty = "0.0" + std::to_string(1 + rng() % 9);
    return {&u,
            R"("symbol":"BTC-USD","side":")" + std::string(side) + R"(","type":"LIMIT","price":")" +
                price + R"(","qty":")" + qty + "\"}",
            key_prefix + std::to_string(keys++)};
  }
};

// CPU seconds this process (the load generator) has used so far: on a small machine the
// client's share of the cores is part of the picture.
double own_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// utime + stime of a process in seconds from /proc/<pid>/stat (0 if it is gone).
double process_cpu_s(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {  // field 3 is the state; utime is 14, stime 15
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Busy CPU seconds of the whole machine (all but idle and iowait) from /proc/stat.
double machine_busy_s() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  double v[8] = {};
  f >> cpu;
  for (double& x : v) f >> x;
  return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct cpu_sample {
  std::vector<double> per_process;
  double machine = 0, self = 0;
};

struct path_result {
  double peak_per_s = 0;
  double client_cores = 0;  // the load generator's CPU use during the closed loop, in cores
  double offered_per_s = 0;
  bench::load_result closed, open;
};

void print_errors(const char* phase, const bench::load_result& r) {
  if (r.errors() == 0) return;
  std::fprintf(stderr, "%s: %llu refused, %llu failed, %llu unsent; first errors:\n", phase,
               static_cast<unsigned long long>(r.refused),
               static_cast<unsigned long long>(r.failed),
               static_cast<unsigned long long>(r.unsent));
  for (const auto& e : r.error_samples) std::fprintf(stderr, "  %s\n", e.c_str());
}

// Warm-up, closed loop, then open loop at rate_fraction × the closed loop's peak.
path_result measure(const options& opt, const std::string& name, std::uint16_t port,
                    const bench::call_factory& make_call) {
  bench::load_options lo;
  lo.port = port;
  lo.connections = opt.connections;
  path_result p;
  if (opt.warmup_s > 0) {
    lo.label = name + " warm-up";
    lo.seconds = opt.warmup_s;
    lo.progress = false;
    auto w = bench::run_closed_loop(lo, make_call);
    print_errors(lo.label.c_str(), w);
  }
  lo.progress = true;
  lo.seconds = opt.duration_s;
  lo.label = name + " closed";
  auto sample = [&] {
    cpu_sample c{{}, machine_busy_s(), own_cpu_s()};
    for (const auto& w : opt.watch) c.per_process.push_back(process_cpu_s(w.second));
    return c;
  };
  const cpu_sample before = sample();
  p.closed = bench::run_closed_loop(lo, make_call);
  const cpu_sample after = sample();
  if (p.closed.elapsed_s > 0) p.client_cores = (after.self - before.self) / p.closed.elapsed_s;
  print_errors(lo.label.c_str(), p.closed);
  p.peak_per_s = p.closed.ok_per_s();
  std::printf("%s closed loop: %.0f orders/s over %d connections (load generator: %.2f cores)\n",
              name.c_str(), p.peak_per_s, opt.connections, p.client_cores);
  if (p.closed.ok > 0) {
    // Where the CPU went, per order: on a small machine every process shares the same cores.
    const double n = static_cast<double>(p.closed.ok);
    std::printf("  CPU per order: machine %.0f us (%.2f of %ld cores busy)",
                1e6 * (after.machine - before.machine) / n,
                (after.machine - before.machine) / p.closed.elapsed_s,
                ::sysconf(_SC_NPROCESSORS_ONLN));
    double other = (after.machine - before.machine) - (after.self - before.self);
    for (std::size_t i = 0; i < opt.watch.size(); ++i) {
      const double used = after.per_process[i] - before.per_process[i];
      other -= used;
      std::printf(", %s %.0f us", opt.watch[i].first.c_str(), 1e6 * used / n);
    }
    std::printf(", load generator %.0f us, everything else (PostgreSQL, kernel) %.0f us\n",
                1e6 * (after.self - before.self) / n, 1e6 * other / n);
  }

  p.offered_per_s = std::max(1.0, p.peak_per_s * opt.rate_fraction);
  lo.label = name + " open";
  lo.rate_per_s = p.offered_per_s;
  p.open = bench::run_open_loop(lo, make_call);
  print_errors(lo.label.c_str(), p.open);
  return p;
}

bench::table_row row(const std::string& phase, double offered, const bench::load_result& r) {
  return {phase, offered, r.ok_per_s(), static_cast<std::size_t>(r.errors()),
          bench::summarize(r.ok_latencies_ms)};
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_args(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results in order with the progress on stderr
  mc::log::init("gateway_bench", mc::log::level::warn);
  const std::string run_id =
      std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100'000'000);

  std::vector<bench_user> users;
  const auto setup_start = std::chrono::steady_clock::now();
  if (!make_users(opt, run_id, users)) return 1;
  std::printf(
      "gateway_bench: %d users signed up and funded in %.1f s; %d connections, phases of %.0f s "
      "(+%.0f s warm-up)\n",
      opt.users,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count(),
      opt.connections, opt.duration_s, opt.warmup_s);

  order_flow flow{&users, "gb-" + run_id + "-"};
  const bench::call_factory via_gateway = [&](std::uint64_t seq) {
    auto o = flow.next(seq);
    return bench::http_call{"POST", "/api/orders", json_headers(o.user->authorization, o.key),
                            "{" + o.fields};
  };
  tl::service_token_minter minter(opt.service_secret, "gateway_bench");
  const bench::call_factory direct = [&](std::uint64_t seq) {
    auto o = flow.next(seq);
    return bench::http_call{"POST", "/orders", json_headers(minter.authorization(), o.key),
                            R"({"user_id":")" + o.user->id + "\"," + o.fields};
  };

  const path_result g = measure(opt, "gateway", opt.gateway_port, via_gateway);
  const path_result d = measure(opt, "direct", opt.ledger_port, direct);

  const auto g_open = bench::summarize(g.open.ok_latencies_ms);
  const auto d_open = bench::summarize(d.open.ok_latencies_ms);
  const double ratio = d.peak_per_s > 0 ? g.peak_per_s / d.peak_per_s : 0;

  std::printf("\n");
  bench::print_table(
      stdout,
      {row("gateway closed loop", 0, g.closed), row("gateway open loop", g.offered_per_s, g.open),
       row("direct closed loop", 0, d.closed), row("direct open loop", d.offered_per_s, d.open)});
  std::printf("\ngateway / direct peak: %.2f (goal >= %.1f: %s)\n", ratio, goal_ratio_min,
              ratio >= goal_ratio_min ? "met" : "NOT met");
  std::printf("gateway p99 at %.0f/s offered: %.2f ms (goal < %.0f ms: %s)\n", g.offered_per_s,
              g_open.p99_ms, goal_p99_ms_max, g_open.p99_ms < goal_p99_ms_max ? "met" : "NOT met");

  char json[2048];
  std::snprintf(
      json, sizeof json,
      "{\"orders_per_sec\": %.0f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, "
      "\"p999_ms\": %.3f, \"max_ms\": %.3f, \"offered_rate\": %.0f, \"achieved_rate\": %.0f, "
      "\"direct_orders_per_sec\": %.0f, \"direct_p50_ms\": %.3f, \"direct_p90_ms\": %.3f, "
      "\"direct_p99_ms\": %.3f, \"direct_p999_ms\": %.3f, \"direct_max_ms\": %.3f, "
      "\"direct_offered_rate\": %.0f, \"direct_achieved_rate\": %.0f, \"ratio\": %.3f, "
      "\"connections\": %d, \"users\": %d, \"duration_s\": %.1f, \"errors\": %llu, "
      "\"direct_errors\": %llu, \"client_cores\": %.2f, \"direct_client_cores\": %.2f, "
      "\"ws_clients\": 0, \"ws_p99_ms\": null}\n",
      g.peak_per_s, g_open.p50_ms, g_open.p90_ms, g_open.p99_ms, g_open.p999_ms, g_open.max_ms,
      g.offered_per_s, g.open.ok_per_s(), d.peak_per_s, d_open.p50_ms, d_open.p90_ms, d_open.p99_ms,
      d_open.p999_ms, d_open.max_ms, d.offered_per_s, d.open.ok_per_s(), ratio, opt.connections,
      opt.users, opt.duration_s,
      static_cast<unsigned long long>(g.closed.errors() + g.open.errors()),
      static_cast<unsigned long long>(d.closed.errors() + d.open.errors()), g.client_cores,
      d.client_cores);
  std::ofstream out(opt.out);
  out << json;
  if (!out) {
    std::cerr << "cannot write " << opt.out << "\n";
    return 1;
  }
  std::printf("%s", json);
  return g.closed.ok > 0 && d.closed.ok > 0 ? 0 : 1;
}
