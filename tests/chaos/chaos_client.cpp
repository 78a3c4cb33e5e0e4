// chaos_client: load with retries through the public API while scripts/chaos.sh breaks the
// system, then a reconciliation of every acknowledged operation against what the API answers.
//
// Load: `--workers` keep-alive connections share an offered rate (`--rate` operations/s) of a
// mix: top-ups (users who only top up), LIMIT and MARKET orders, cancels, order reads and
// lists, quote and portfolio reads. Each operation is retried as a careful client would, with
// the same Idempotency-Key and body, on transport errors, timeouts, 5xx, 429 and
// 409 IDEM_IN_PROGRESS, until it is answered or `--op-deadline-s` passes. Every acknowledged
// top-up (key → answer) and order (key → order id, status) is recorded.
//
// The load stops when `--stop-file` appears (or after `--max-seconds`). Then:
//   1. operations never answered are retried with their key until answered (a careful client
//      resolves every key), so the expected balances are exact;
//   2. lost: an acked order GET /api/orders/{id} cannot find, or finds in an earlier state
//      (status or filled quantity), an acked cancel whose order is not CANCELED, a top-up-only
//      user whose USD balance is below the sum of their acked top-ups;
//   3. duplicated: a balance above that sum, two orders carrying one key (client_order_id = the
//      key), a replayed key answered differently from the first time.
// Prints one JSON object (sent, succeeded, failed, lost, duplicated, success_rate, ...) and
// writes it to --out. Exit 0 when lost = duplicated = unresolved = 0 and success_rate >=
// --min-success-rate; 1 otherwise; 2 on bad usage; 3 when the users could not be set up.
//   chaos_client --port P [--label NAME] [--rate 40] [--workers 8] [--trading-users 3]
//     [--topup-users 2] [--stop-file F] [--ready-file F] [--max-seconds 600] [--out F]
//     [--op-deadline-s 45] [--min-success-rate 0] [--inject-faults 1]
// --inject-faults 1 makes the reconciler see one lost and one duplicated operation (its own
// self-test: scripts/chaos.sh expects it to fail then).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/http/client.h"
#include "common/log/log.h"

namespace {

namespace net = boost::asio;
namespace json = boost::json;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct options {
  std::uint16_t port = 0;
  std::string label = "chaos";
  double rate = 40;
  int workers = 8;
  int trading_users = 3;
  int topup_users = 2;
  std::string stop_file;
  std::string ready_file;
  double max_seconds = 600;
  std::string out;
  double op_deadline_s = 45;
  double min_success_rate = 0;
  bool inject_faults = false;
};

[[noreturn]] void usage() {
  std::cerr << "usage: chaos_client --port P [--label NAME] [--rate 40] [--workers 8]\n"
               "  [--trading-users 3] [--topup-users 2] [--stop-file F] [--ready-file F]\n"
               "  [--max-seconds 600] [--out F] [--op-deadline-s 45] [--min-success-rate 0]\n";
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
    else if (a == "--workers")
      o.workers = std::stoi(v);
    else if (a == "--trading-users")
      o.trading_users = std::stoi(v);
    else if (a == "--topup-users")
      o.topup_users = std::stoi(v);
    else if (a == "--stop-file")
      o.stop_file = v;
    else if (a == "--ready-file")
      o.ready_file = v;
    else if (a == "--max-seconds")
      o.max_seconds = std::stod(v);
    else if (a == "--out")
      o.out = v;
    else if (a == "--op-deadline-s")
      o.op_deadline_s = std::stod(v);
    else if (a == "--min-success-rate")
      o.min_success_rate = std::stod(v);
    else if (a == "--inject-faults")
      o.inject_faults = v == "1";
    else
      usage();
  }
  if (o.port == 0 || o.rate <= 0 || o.workers < 1 || o.trading_users < 1 || o.topup_users < 1)
    usage();
  return o;
}

// Exact decimal string → minor units (cents for 2 decimals); nullopt if not a decimal.
std::optional<std::int64_t> to_minor(const std::string& s, int decimals) {
  std::int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool dot = false, digits = false;
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) i = 1;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      if (!dot) {
        whole = whole * 10 + (c - '0');
      } else if (frac_digits < decimals) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      } else if (c != '0') {
        return std::nullopt;  // more precision than the currency has
      }
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  for (; frac_digits < decimals; ++frac_digits) frac *= 10;
  std::int64_t scale = 1;
  for (int d = 0; d < decimals; ++d) scale *= 10;
  const std::int64_t v = whole * scale + frac;
  return negative ? -v : v;
}

std::string str_at(const json::value& v, const char* key) {
  if (!v.is_object()) return {};
  const auto* at = v.as_object().if_contains(key);
  return at && at->is_string() ? std::string(at->as_string()) : std::string();
}

std::optional<json::value> parse(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

std::string error_code_of(const std::string& body) {
  auto v = parse(body);
  if (!v || !v->is_object()) return {};
  const auto* e = v->as_object().if_contains("error");
  return e ? str_at(*e, "code") : std::string();
}

int status_rank(const std::string& s) {
  if (s == "NEW") return 0;
  if (s == "PARTIALLY_FILLED") return 1;
  if (s == "FILLED" || s == "CANCELED" || s == "REJECTED") return 2;
  return -1;
}

// `after` is the same state as `before` or a later one.
bool same_or_later(const std::string& before, const std::string& after) {
  const int b = status_rank(before), a = status_rank(after);
  if (b < 0 || a < 0) return false;
  if (b == 2) return before == after;
  return a >= b;
}

struct user {
  std::string email;
  std::string auth;  // "Bearer <token>"
};

enum class kind {
  topup,
  limit_order,
  market_order,
  cancel,
  get_order,
  list_orders,
  quotes,
  portfolio
};
constexpr int kinds = 8;
const char* kind_name(kind k) {
  static const char* names[] = {"topup",     "limit_order", "market_order", "cancel",
                                "get_order", "list_orders", "quotes",       "portfolio"};
  return names[static_cast<int>(k)];
}

struct keyed_op {  // a top-up or an order: what the client would send again
  std::size_t user;
  kind k;
  std::string key, body;
};
struct acked_topup {
  std::size_t user;
  std::string key, body, answer;
};
struct acked_order {
  std::size_t user;
  std::string key, body, order_id, status, filled_qty, answer;
};

struct attempt_result {
  bool answered = false;  // an answer the client takes as final (see `final_answer`)
  int status = 0;
  std::string body;
  std::string last_error;
  int attempts = 0;
};

struct figures {
  std::uint64_t sent = 0, succeeded = 0, failed = 0, attempts = 0, retries = 0;
  std::uint64_t per_kind_sent[kinds] = {}, per_kind_failed[kinds] = {};
  std::uint64_t lost = 0, duplicated = 0, unresolved = 0;
  std::uint64_t checked_orders = 0, checked_cancels = 0, replays_checked = 0;
  std::uint64_t slow_ops = 0;  // operations that took more than 5 s, retries included
  double slowest_op_s = 0;
  std::vector<std::string> problems;  // the first few, printed
  void problem(std::string p) {
    if (problems.size() < 20) problems.push_back(std::move(p));
  }
};

// Everything lives on one io_context thread: no locks.
struct chaos {
  options opt;
  std::string run_id;
  std::vector<user> users;  // trading users first, then top-up-only users
  std::vector<acked_topup> topups;
  std::vector<acked_order> orders;
  std::vector<std::size_t> open_orders;   // indexes into `orders` that may still be canceled
  std::vector<std::string> canceled_ids;  // cancels answered 200
  std::vector<keyed_op> unanswered;
  figures fig;
  std::uint64_t next_slot = 0, next_key = 0;
  bool stopping = false;
  int workers_left = 0;
  clock_type::time_point start;
  std::mt19937_64 rng{std::random_device{}()};

  std::size_t trading_user() {
    return static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(opt.trading_users));
  }
  std::size_t topup_user() {
    return static_cast<std::size_t>(opt.trading_users) +
           static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(opt.topup_users));
  }
  std::string new_key() { return "ch-" + run_id + "-" + std::to_string(next_key++); }
};

mc::http::header_list headers_for(const user& u, const std::string& key = {}) {
  mc::http::header_list h{{"Authorization", u.auth}, {"Content-Type", "application/json"}};
  if (!key.empty()) h.emplace_back("Idempotency-Key", key);
  return h;
}

// What a careful client does not retry: a final answer. 2xx and 4xx are final except 408,
// 429 and 409 IDEM_IN_PROGRESS (the first request with this key is still running).
bool retryable(const mc::http::client_result& r) {
  if (!r.ok) return true;
  if (r.status >= 500 || r.status == 408 || r.status == 429) return true;
  if (r.status == 409 && error_code_of(r.body) == "IDEM_IN_PROGRESS") return true;
  return false;
}

net::awaitable<void> sleep_for(clock_type::duration d) {
  net::steady_timer t(co_await net::this_coro::executor);
  t.expires_after(d);
  auto wait = t.async_wait(net::as_tuple(net::use_awaitable));
  co_await std::move(wait);
}

// One operation with retries until a final answer or the deadline.
net::awaitable<attempt_result> call(mc::http::client_pool& pool, std::string method,
                                    std::string target, mc::http::header_list headers,
                                    std::string body, double deadline_s) {
  attempt_result out;
  const auto until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                             std::chrono::duration<double>(deadline_s));
  auto backoff = milliseconds(50);
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - clock_type::now());
    if (left <= milliseconds(0)) co_return out;
    ++out.attempts;
    auto req = pool.request(method, target, headers, body, std::min(left, milliseconds(5'000)));
    auto r = co_await std::move(req);
    if (!retryable(r)) {
      out.answered = true;
      out.status = r.status;
      out.body = std::move(r.body);
      co_return out;
    }
    out.last_error =
        r.ok ? std::to_string(r.status) + " " + r.body.substr(0, 160) : r.error + " " + r.detail;
    if (clock_type::now() + backoff >= until) co_return out;
    auto pause = sleep_for(backoff);
    co_await std::move(pause);
    backoff = std::min(backoff * 2, milliseconds(1'000));
  }
}

std::string limit_body(chaos& c, const std::string& key) {
  const bool buy = c.rng() % 2 == 0;
  const std::string price = std::to_string(49'950 + static_cast<int>(c.rng() % 101)) + ".00";
  const std::string qty = "0.00" + std::to_string(1 + c.rng() % 9);
  return R"({"symbol":"BTC-USD","side":")" + std::string(buy ? "BUY" : "SELL") +
         R"(","type":"LIMIT","price":")" + price + R"(","qty":")" + qty +
         R"(","client_order_id":")" + key + "\"}";
}

std::string market_body(chaos& c, const std::string& key) {
  const bool buy = c.rng() % 2 == 0;
  return R"({"symbol":"BTC-USD","side":")" + std::string(buy ? "BUY" : "SELL") +
         R"(","type":"MARKET","qty":"0.00)" + std::to_string(1 + c.rng() % 5) +
         R"(","client_order_id":")" + key + "\"}";
}

void record_order(chaos& c, std::size_t u, const std::string& key, const std::string& body,
                  const std::string& answer) {
  auto v = parse(answer);
  acked_order o{u,
                key,
                body,
                v ? str_at(*v, "order_id") : "",
                v ? str_at(*v, "status") : "",
                v ? str_at(*v, "filled_qty") : "",
                answer};
  if (o.order_id.empty() || status_rank(o.status) < 0) {
    ++c.fig.lost;
    c.fig.problem("order answer without order_id/status: " + answer.substr(0, 200));
    return;
  }
  if (status_rank(o.status) < 2) c.open_orders.push_back(c.orders.size());
  c.orders.push_back(std::move(o));
}

// One operation of the mix: true when it got the answer a correct system gives.
net::awaitable<bool> run_op(chaos& c, mc::http::client_pool& pool, kind k) {
  const double dl = c.opt.op_deadline_s;
  switch (k) {
    case kind::topup: {
      const std::size_t u = c.topup_user();
      std::string key = c.new_key();
      std::string body = R"({"amount":"1.00","currency":"USD"})";
      auto op = call(pool, "POST", "/api/fund/topup", headers_for(c.users[u], key), body, dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      if (!r.answered) {
        c.fig.problem("top-up " + key + " unanswered within the deadline: " + r.last_error);
        c.unanswered.push_back({u, k, key, body});
        co_return false;
      }
      if (r.status != 200) {
        c.fig.problem("top-up answered " + std::to_string(r.status) + " " + r.body.substr(0, 200));
        co_return false;
      }
      c.topups.push_back({u, key, body, r.body});
      co_return true;
    }
    case kind::limit_order:
    case kind::market_order: {
      const std::size_t u = c.trading_user();
      std::string key = c.new_key();
      std::string body = k == kind::limit_order ? limit_body(c, key) : market_body(c, key);
      auto op = call(pool, "POST", "/api/orders", headers_for(c.users[u], key), body, dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      if (!r.answered) {
        c.fig.problem(std::string(kind_name(k)) + " " + key +
                      " unanswered within the deadline: " + r.last_error);
        c.unanswered.push_back({u, k, key, body});
        co_return false;
      }
      if (r.status == 422 && error_code_of(r.body) == "INSUFFICIENT_FUNDS") co_return true;
      if (r.status != 200) {
        c.fig.problem(std::string(kind_name(k)) + " answered " + std::to_string(r.status) + " " +
                      r.body.substr(0, 200));
        co_return false;
      }
      record_order(c, u, key, body, r.body);
      co_return true;
    }
    case kind::cancel: {
      if (c.open_orders.empty()) co_return true;  // nothing to cancel yet: a no-op
      const std::size_t pick = c.rng() % c.open_orders.size();
      const std::size_t idx = c.open_orders[pick];
      c.open_orders.erase(c.open_orders.begin() + static_cast<std::ptrdiff_t>(pick));
      const std::string id = c.orders[idx].order_id;
      auto op = call(pool, "DELETE", "/api/orders/" + id, headers_for(c.users[c.orders[idx].user]),
                     "", dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      if (!r.answered) co_return false;
      if (r.status == 200) {
        c.canceled_ids.push_back(id);
        co_return true;
      }
      if (r.status == 409 && error_code_of(r.body) == "ORDER_NOT_CANCELABLE") co_return true;
      c.fig.problem("cancel " + id + " answered " + std::to_string(r.status) + " " +
                    r.body.substr(0, 200));
      co_return false;
    }
    case kind::get_order: {
      if (c.orders.empty()) co_return true;
      const auto& o = c.orders[c.rng() % c.orders.size()];
      auto op =
          call(pool, "GET", "/api/orders/" + o.order_id, headers_for(c.users[o.user]), "", dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      if (r.answered && r.status != 200)
        c.fig.problem("GET order " + o.order_id + " answered " + std::to_string(r.status));
      co_return r.answered&& r.status == 200;
    }
    case kind::list_orders: {
      auto op = call(pool, "GET", "/api/orders?status=open&limit=20",
                     headers_for(c.users[c.trading_user()]), "", dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      co_return r.answered&& r.status == 200;
    }
    case kind::quotes: {
      const mc::http::header_list none;
      auto op = call(pool, "GET", "/api/quotes?symbol=BTC-USD", none, "", dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      co_return r.answered&& r.status == 200;
    }
    case kind::portfolio: {
      auto op = call(pool, "GET", "/api/portfolio", headers_for(c.users[c.trading_user()]), "", dl);
      auto r = co_await std::move(op);
      c.fig.attempts += static_cast<std::uint64_t>(r.attempts);
      co_return r.answered&& r.status == 200;
    }
  }
  co_return false;
}

// The mix over 20 slots: 4 top-ups, 5 LIMIT, 1 MARKET, 2 cancels, 2 order reads, 1 list,
// 3 quote reads, 2 portfolio reads.
kind kind_of(std::uint64_t slot) {
  static const kind mix[20] = {
      kind::topup, kind::limit_order,  kind::quotes,      kind::portfolio,   kind::limit_order,
      kind::topup, kind::cancel,       kind::get_order,   kind::limit_order, kind::quotes,
      kind::topup, kind::market_order, kind::limit_order, kind::list_orders, kind::portfolio,
      kind::topup, kind::cancel,       kind::limit_order, kind::get_order,   kind::quotes};
  return mix[slot % 20];
}

net::awaitable<void> worker(chaos& c) {
  mc::http::client_options co;
  co.max_idle_connections = 1;
  mc::http::client_pool pool("127.0.0.1", c.opt.port, co);
  while (!c.stopping) {
    const std::uint64_t slot = c.next_slot++;
    const auto due =
        c.start + std::chrono::duration_cast<clock_type::duration>(
                      std::chrono::duration<double>(static_cast<double>(slot) / c.opt.rate));
    while (!c.stopping && clock_type::now() < due) {
      auto pause =
          sleep_for(std::min<clock_type::duration>(due - clock_type::now(), milliseconds(100)));
      co_await std::move(pause);
    }
    if (c.stopping) break;
    const kind k = kind_of(slot);
    ++c.fig.sent;
    ++c.fig.per_kind_sent[static_cast<int>(k)];
    const auto op_start = clock_type::now();
    auto op = run_op(c, pool, k);
    const bool ok = co_await std::move(op);
    const double took = std::chrono::duration<double>(clock_type::now() - op_start).count();
    c.fig.slowest_op_s = std::max(c.fig.slowest_op_s, took);
    if (took > 5) ++c.fig.slow_ops;
    if (ok) {
      ++c.fig.succeeded;
    } else {
      ++c.fig.failed;
      ++c.fig.per_kind_failed[static_cast<int>(k)];
    }
  }
  --c.workers_left;
}

net::awaitable<void> stop_watch(chaos& c) {
  const auto until = c.start + std::chrono::duration_cast<clock_type::duration>(
                                   std::chrono::duration<double>(c.opt.max_seconds));
  auto last_print = clock_type::now();
  while (!c.stopping) {
    auto pause = sleep_for(milliseconds(100));
    co_await std::move(pause);
    if (clock_type::now() >= until) c.stopping = true;
    if (!c.opt.stop_file.empty() && std::filesystem::exists(c.opt.stop_file)) c.stopping = true;
    if (clock_type::now() - last_print >= std::chrono::seconds(2)) {
      last_print = clock_type::now();
      std::fprintf(stderr, "[%s] %5.1f s  sent %6llu  ok %6llu  failed %4llu  attempts %6llu\n",
                   c.opt.label.c_str(),
                   std::chrono::duration<double>(clock_type::now() - c.start).count(),
                   static_cast<unsigned long long>(c.fig.sent),
                   static_cast<unsigned long long>(c.fig.succeeded),
                   static_cast<unsigned long long>(c.fig.failed),
                   static_cast<unsigned long long>(c.fig.attempts));
    }
  }
}

// Afterwards: resolve every unanswered key, then check every acknowledgement.
net::awaitable<void> reconcile(chaos& c) {
  mc::http::client_pool pool("127.0.0.1", c.opt.port);
  auto& f = c.fig;
  const double dl = 60;

  // The reconciler's self-test (--inject-faults 1): a top-up recorded as acknowledged that was
  // never sent (must count as lost), and a second order under an acknowledged order's
  // client_order_id with a new key, i.e. one operation applied twice (must count as duplicated).
  if (c.opt.inject_faults) {
    c.topups.push_back({static_cast<std::size_t>(c.opt.trading_users), "never-sent-" + c.run_id,
                        R"({"amount":"1.00","currency":"USD"})", "{}"});
    if (!c.orders.empty()) {
      const auto& o = c.orders.front();
      auto twice = call(pool, "POST", "/api/orders", headers_for(c.users[o.user], o.key + "-again"),
                        o.body, dl);
      auto r = co_await std::move(twice);
      if (!r.answered || r.status != 200)
        f.problem("fault injection: the second order answered " + std::to_string(r.status));
    }
  }

  // 1. Resolve: the same key and body again until answered.
  for (const auto& op : c.unanswered) {
    const char* target = op.k == kind::topup ? "/api/fund/topup" : "/api/orders";
    auto again = call(pool, "POST", target, headers_for(c.users[op.user], op.key), op.body, dl);
    auto r = co_await std::move(again);
    if (!r.answered) {
      ++f.unresolved;
      f.problem("key " + op.key + " still unanswered: " + r.last_error);
      continue;
    }
    if (r.status != 200) continue;  // refused (e.g. funds): nothing applied
    if (op.k == kind::topup)
      c.topups.push_back({op.user, op.key, op.body, r.body});
    else
      record_order(c, op.user, op.key, op.body, r.body);
  }

  // 2. Every acked order is found, in the acknowledged state or a later one.
  for (const auto& o : c.orders) {
    auto get = call(pool, "GET", "/api/orders/" + o.order_id, headers_for(c.users[o.user]), "", dl);
    auto r = co_await std::move(get);
    ++f.checked_orders;
    if (!r.answered || r.status != 200) {
      ++f.lost;
      f.problem("acked order " + o.order_id + " (key " + o.key + ") not found: " +
                std::to_string(r.status) + " " + r.body.substr(0, 160) + r.last_error);
      continue;
    }
    auto v = parse(r.body);
    const std::string status = v ? str_at(*v, "status") : "";
    const auto filled_now = to_minor(v ? str_at(*v, "filled_qty") : "", 8);
    const auto filled_then = to_minor(o.filled_qty.empty() ? "0" : o.filled_qty, 8);
    if (!same_or_later(o.status, status) || !filled_now || !filled_then ||
        *filled_now < *filled_then) {
      ++f.lost;
      f.problem("order " + o.order_id + " was " + o.status + " filled " + o.filled_qty + ", now " +
                status + " filled " + (v ? str_at(*v, "filled_qty") : ""));
    }
  }
  // Every acked cancel left its order CANCELED.
  std::map<std::string, std::size_t> order_by_id;
  for (std::size_t i = 0; i < c.orders.size(); ++i) order_by_id[c.orders[i].order_id] = i;
  for (const auto& id : c.canceled_ids) {
    const auto& o = c.orders[order_by_id[id]];
    auto get = call(pool, "GET", "/api/orders/" + id, headers_for(c.users[o.user]), "", dl);
    auto r = co_await std::move(get);
    ++f.checked_cancels;
    auto v = r.answered && r.status == 200 ? parse(r.body) : std::nullopt;
    if (!v || str_at(*v, "status") != "CANCELED") {
      ++f.lost;
      f.problem("acked cancel of " + id + " but the order is " + (v ? str_at(*v, "status") : "?"));
    }
  }

  // 3. No key applied twice: one order per client_order_id in each trading user's full list.
  for (int u = 0; u < c.opt.trading_users; ++u) {
    std::map<std::string, int> per_key;
    std::string cursor;
    for (int page = 0; page < 10'000; ++page) {
      std::string target = "/api/orders?status=all&limit=100";
      if (!cursor.empty()) target += "&cursor=" + cursor;
      auto list =
          call(pool, "GET", target, headers_for(c.users[static_cast<std::size_t>(u)]), "", dl);
      auto r = co_await std::move(list);
      auto v = r.answered && r.status == 200 ? parse(r.body) : std::nullopt;
      if (!v || !v->is_object() || !v->as_object().contains("orders")) {
        ++f.unresolved;
        f.problem("order list of user " + std::to_string(u) + " failed: " + r.body.substr(0, 160));
        break;
      }
      for (const auto& o : v->at("orders").as_array()) ++per_key[str_at(o, "client_order_id")];
      cursor = str_at(*v, "next_cursor");
      if (cursor.empty()) break;
    }
    for (const auto& [key, n] : per_key) {
      if (!key.empty() && n > 1) {
        f.duplicated += static_cast<std::uint64_t>(n - 1);
        f.problem("key " + key + " made " + std::to_string(n) + " orders");
      }
    }
  }

  // Top-up-only users: the USD balance is exactly the sum of their acked top-ups (1.00 each).
  std::map<std::size_t, std::int64_t> expected;
  for (const auto& t : c.topups) expected[t.user] += 100;
  for (int i = 0; i < c.opt.topup_users; ++i) {
    const std::size_t u = static_cast<std::size_t>(c.opt.trading_users + i);
    auto get = call(pool, "GET", "/api/portfolio", headers_for(c.users[u]), "", dl);
    auto r = co_await std::move(get);
    auto v = r.answered && r.status == 200 ? parse(r.body) : std::nullopt;
    std::optional<std::int64_t> total = std::int64_t{0};
    if (v && v->is_object() && v->as_object().contains("balances")) {
      for (const auto& b : v->at("balances").as_array())
        if (str_at(b, "currency") == "USD") total = to_minor(str_at(b, "balance_total"), 2);
    } else {
      total.reset();
    }
    if (!total) {
      ++f.unresolved;
      f.problem("portfolio of top-up user " + std::to_string(i) + ": " + r.body.substr(0, 160));
      continue;
    }
    const std::int64_t want = expected[u];
    if (*total < want) {
      f.lost += static_cast<std::uint64_t>((want - *total + 99) / 100);
      f.problem("top-up user " + std::to_string(i) + ": balance " + std::to_string(*total) +
                " cents, acked " + std::to_string(want));
    } else if (*total > want) {
      f.duplicated += static_cast<std::uint64_t>((*total - want + 99) / 100);
      f.problem("top-up user " + std::to_string(i) + ": balance " + std::to_string(*total) +
                " cents, acked " + std::to_string(want));
    }
  }

  // Replays (up to 200 of each): the original answer, nothing applied again.
  const std::size_t replay_max = 200;
  for (std::size_t i = 0; i < c.topups.size() && i < replay_max; ++i) {
    const auto& t = c.topups[i * c.topups.size() / std::min(c.topups.size(), replay_max)];
    auto again =
        call(pool, "POST", "/api/fund/topup", headers_for(c.users[t.user], t.key), t.body, dl);
    auto r = co_await std::move(again);
    ++f.replays_checked;
    if (!r.answered || r.status != 200 || r.body != t.answer) {
      ++f.duplicated;
      f.problem("top-up replay " + t.key + " answered " + std::to_string(r.status) + " " +
                r.body.substr(0, 120) + " instead of " + t.answer.substr(0, 120));
    }
  }
  for (std::size_t i = 0; i < c.orders.size() && i < replay_max; ++i) {
    const auto& o = c.orders[i * c.orders.size() / std::min(c.orders.size(), replay_max)];
    auto again = call(pool, "POST", "/api/orders", headers_for(c.users[o.user], o.key), o.body, dl);
    auto r = co_await std::move(again);
    ++f.replays_checked;
    auto v = r.answered && r.status == 200 ? parse(r.body) : std::nullopt;
    if (!v || str_at(*v, "order_id") != o.order_id) {
      ++f.duplicated;
      f.problem("order replay " + o.key + " answered " + std::to_string(r.status) + " " +
                r.body.substr(0, 120) + " instead of order " + o.order_id);
    }
  }
  // After the replays the balances must not have moved: a top-up-only user's balance again.
  for (int i = 0; i < c.opt.topup_users; ++i) {
    const std::size_t u = static_cast<std::size_t>(c.opt.trading_users + i);
    auto get = call(pool, "GET", "/api/portfolio", headers_for(c.users[u]), "", dl);
    auto r = co_await std::move(get);
    auto v = r.answered && r.status == 200 ? parse(r.body) : std::nullopt;
    if (!v || !v->is_object() || !v->as_object().contains("balances")) continue;
    for (const auto& b : v->at("balances").as_array()) {
      if (str_at(b, "currency") != "USD") continue;
      const auto total = to_minor(str_at(b, "balance_total"), 2);
      if (total && *total > expected[u]) {
        ++f.duplicated;
        f.problem("top-up user " + std::to_string(i) + ": replays added money");
      }
    }
  }
}

// Signup (argon2id) and funding before the load, with retries, on plain blocking requests.
bool setup_user(const options& opt, const std::string& run_id, int i, bool trading, user& out) {
  out.email = "chaos-" + run_id + "-" + std::to_string(i) + "@example.com";
  const auto deadline = clock_type::now() + std::chrono::seconds(60);
  for (;;) {
    auto r = mc::http::request_blocking(
        "127.0.0.1", opt.port, "POST", "/auth/signup", {{"Content-Type", "application/json"}},
        R"({"email":")" + out.email + R"(","password":"chaos-password-1"})", milliseconds(30'000));
    if (r.ok && r.status == 200) {
      auto v = parse(r.body);
      if (v) out.auth = "Bearer " + str_at(*v, "token");
      break;
    }
    if (r.ok && r.status == 409) {  // an earlier attempt got through: log in instead
      r = mc::http::request_blocking(
          "127.0.0.1", opt.port, "POST", "/auth/login", {{"Content-Type", "application/json"}},
          R"({"email":")" + out.email + R"(","password":"chaos-password-1"})",
          milliseconds(30'000));
      if (r.ok && r.status == 200) {
        auto v = parse(r.body);
        if (v) out.auth = "Bearer " + str_at(*v, "token");
        break;
      }
    }
    if (clock_type::now() > deadline) {
      std::cerr << "signup " << out.email << " failed: " << r.status << " " << r.body << r.error
                << "\n";
      return false;
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  if (out.auth == "Bearer ") return false;
  if (!trading) return true;
  const std::pair<const char*, const char*> funds[] = {{"USD", "10000000.00"}, {"BTC", "1000"}};
  for (const auto& [currency, amount] : funds) {
    const std::string key = "chaos-fund-" + run_id + "-" + std::to_string(i) + "-" + currency;
    for (;;) {
      auto t = mc::http::request_blocking(
          "127.0.0.1", opt.port, "POST", "/api/fund/topup", headers_for(out, key),
          R"({"amount":")" + std::string(amount) + R"(","currency":")" + currency + "\"}",
          milliseconds(30'000));
      if (t.ok && t.status == 200) break;
      if (clock_type::now() > deadline) {
        std::cerr << "funding " << out.email << " failed: " << t.status << " " << t.body << "\n";
        return false;
      }
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  chaos c;
  c.opt = parse_args(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  mc::log::init("chaos_client", mc::log::level::error);
  c.run_id =
      std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 100'000'000);

  const int n_users = c.opt.trading_users + c.opt.topup_users;
  c.users.resize(static_cast<std::size_t>(n_users));
  std::atomic<int> next{0};
  std::atomic<bool> setup_ok{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i; setup_ok && (i = next++) < n_users;) {
        if (!setup_user(c.opt, c.run_id, i, i < c.opt.trading_users,
                        c.users[static_cast<std::size_t>(i)]))
          setup_ok = false;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!setup_ok) return 3;
  if (!c.opt.ready_file.empty()) std::ofstream(c.opt.ready_file) << "ready\n";
  std::fprintf(stderr, "[%s] %d users ready; load at %.0f ops/s over %d connections\n",
               c.opt.label.c_str(), n_users, c.opt.rate, c.opt.workers);

  net::io_context ioc(1);
  c.start = clock_type::now();
  c.workers_left = c.opt.workers;
  for (int i = 0; i < c.opt.workers; ++i) net::co_spawn(ioc, worker(c), net::detached);
  net::co_spawn(ioc, stop_watch(c), net::detached);
  ioc.run();
  const double load_s = std::chrono::duration<double>(clock_type::now() - c.start).count();
  ioc.restart();
  net::co_spawn(ioc, reconcile(c), net::detached);
  ioc.run();

  const auto& f = c.fig;
  const double rate = f.sent ? static_cast<double>(f.succeeded) / static_cast<double>(f.sent) : 0;
  json::object o;
  o["scenario"] = c.opt.label;
  o["sent"] = f.sent;
  o["succeeded"] = f.succeeded;
  o["failed"] = f.failed;
  o["lost"] = f.lost;
  o["duplicated"] = f.duplicated;
  o["unresolved"] = f.unresolved;
  char rate_s[32];
  std::snprintf(rate_s, sizeof rate_s, "%.6f", rate);
  o["success_rate"] = std::stod(rate_s);
  o["attempts"] = f.attempts;
  o["slow_ops"] = f.slow_ops;
  o["slowest_op_s"] = std::round(f.slowest_op_s * 10) / 10;
  o["load_s"] = std::round(load_s * 10) / 10;
  o["acked_topups"] = c.topups.size();
  o["acked_orders"] = c.orders.size();
  o["acked_cancels"] = c.canceled_ids.size();
  o["checked_orders"] = f.checked_orders;
  o["replays_checked"] = f.replays_checked;
  json::object failed_by_kind;
  for (int k = 0; k < kinds; ++k)
    if (f.per_kind_failed[k])
      failed_by_kind[kind_name(static_cast<kind>(k))] = f.per_kind_failed[k];
  o["failed_by_kind"] = failed_by_kind;
  const std::string line = json::serialize(o);
  for (const auto& p : f.problems)
    std::fprintf(stderr, "[%s] problem: %s\n", c.opt.label.c_str(), p.c_str());
  std::printf("%s\n", line.c_str());
  if (!c.opt.out.empty()) std::ofstream(c.opt.out) << line << "\n";
  const bool pass = f.lost == 0 && f.duplicated == 0 && f.unresolved == 0 && f.sent > 0 &&
                    rate >= c.opt.min_success_rate;
  return pass ? 0 : 1;
}
