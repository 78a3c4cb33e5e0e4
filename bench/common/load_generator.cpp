// Closed- and open-loop drivers over mc::http::client_pool (one pool, so one keep-alive
// connection, per worker coroutine), all on one io_context run by the calling thread.
#include "load_generator.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <memory>

#include "common/http/client.h"
#include "latency_stats.h"

namespace mc::bench {

namespace {

namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t error_samples_max = 5;
constexpr auto progress_interval = std::chrono::seconds(1);

clock_type::duration seconds_to_duration(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

double ms_between(clock_type::time_point from, clock_type::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Shared by the workers and the progress printer of one run (one thread: no locks).
struct run_state {
  load_result result;
  int workers_left = 0;
  clock_type::time_point finished_at;     // when the last worker stopped
  net::steady_timer* progress = nullptr;  // cancelled then, so the run ends at once
  std::size_t progress_from = 0;          // first sample of the current progress window

  void worker_done() {
    if (--workers_left > 0) return;
    finished_at = clock_type::now();
    if (progress) progress->cancel();
  }

  void record(const http::client_result& r, double latency_ms) {
    if (r.ok && r.status >= 200 && r.status < 300) {
      ++result.ok;
      result.ok_latencies_ms.push_back(latency_ms);
      return;
    }
    if (r.ok)
      ++result.refused;
    else
      ++result.failed;
    if (result.error_samples.size() < error_samples_max) {
      result.error_samples.push_back(r.ok ? std::to_string(r.status) + " " + r.body.substr(0, 200)
                                          : r.error + " " + r.detail);
    }
  }
};

// Once a second: elapsed, sent, ok, errors and the p99 of the answers of the last second.
net::awaitable<void> print_progress(const load_options& opt, run_state& st,
                                    clock_type::time_point start) {
  net::steady_timer timer(co_await net::this_coro::executor);
  st.progress = &timer;
  auto next = start;
  while (st.workers_left > 0) {
    next += progress_interval;
    timer.expires_at(next);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (st.workers_left == 0) break;
    std::vector<double> window(
        st.result.ok_latencies_ms.begin() + static_cast<std::ptrdiff_t>(st.progress_from),
        st.result.ok_latencies_ms.end());
    st.progress_from = st.result.ok_latencies_ms.size();
    std::fprintf(stderr, "[%s] %5.1f s  sent %8llu  ok %8llu  errors %6llu  p99(1s) %8.2f ms\n",
                 opt.label.c_str(), ms_between(start, clock_type::now()) / 1000,
                 static_cast<unsigned long long>(st.result.sent),
                 static_cast<unsigned long long>(st.result.ok),
                 static_cast<unsigned long long>(st.result.errors()), percentile(window, 0.99));
  }
  st.progress = nullptr;
}

http::client_options one_connection() {
  http::client_options o;
  o.max_idle_connections = 1;
  return o;
}

}  // namespace

load_result run_closed_loop(const load_options& opt, const call_factory& make_call) {
  net::io_context ioc(1);
  run_state st;
  std::uint64_t seq = 0;
  const auto start = clock_type::now();
  const auto end = start + seconds_to_duration(opt.seconds);
  st.workers_left = opt.connections;
  for (int i = 0; i < opt.connections; ++i) {
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          http::client_pool pool("127.0.0.1", opt.port, one_connection());
          while (clock_type::now() < end) {
            const std::uint64_t my_seq = seq++;
            http_call c = make_call(my_seq);
            ++st.result.sent;
            const auto sent_at = clock_type::now();
            auto r = co_await pool.request(std::move(c.method), std::move(c.target),
                                           std::move(c.headers), std::move(c.body),
                                           opt.request_deadline);
            const double latency = ms_between(sent_at, clock_type::now());
            st.record(r, latency);
            if (opt.on_result) opt.on_result(my_seq, r, latency);
          }
          st.worker_done();
        },
        net::detached);
  }
  if (opt.progress) net::co_spawn(ioc, print_progress(opt, st, start), net::detached);
  ioc.run();
  st.result.elapsed_s = ms_between(start, st.finished_at) / 1000;
  return std::move(st.result);
}

load_result run_open_loop(const load_options& opt, const call_factory& make_call) {
  net::io_context ioc(1);
  run_state st;
  const auto total = static_cast<std::uint64_t>(opt.rate_per_s * opt.seconds);
  std::uint64_t next_slot = 0;
  // Connections are opened before the first request is due, as a closed loop's would be.
  const auto start = clock_type::now() + std::chrono::milliseconds(100);
  const auto drop_after = start + seconds_to_duration(opt.seconds + opt.drain_s);
  auto due_of = [&](std::uint64_t slot) {
    return start + seconds_to_duration(static_cast<double>(slot) / opt.rate_per_s);
  };
  st.workers_left = opt.connections;
  for (int i = 0; i < opt.connections; ++i) {
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          http::client_pool pool("127.0.0.1", opt.port, one_connection());
          net::steady_timer timer(co_await net::this_coro::executor);
          // The free worker takes the earliest request not yet taken.
          for (std::uint64_t slot; (slot = next_slot++) < total;) {
            const auto due = due_of(slot);
            if (clock_type::now() >= drop_after) {
              ++st.result.unsent;
              continue;
            }
            if (due > clock_type::now()) {
              timer.expires_at(due);
              co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            }
            http_call c = make_call(slot);
            ++st.result.sent;
            auto r = co_await pool.request(std::move(c.method), std::move(c.target),
                                           std::move(c.headers), std::move(c.body),
                                           opt.request_deadline);
            const double latency = ms_between(due, clock_type::now());
            st.record(r, latency);
            if (opt.on_result) opt.on_result(slot, r, latency);
          }
          st.worker_done();
        },
        net::detached);
  }
  if (opt.progress) net::co_spawn(ioc, print_progress(opt, st, start), net::detached);
  ioc.run();
  st.result.elapsed_s = ms_between(start, st.finished_at) / 1000;
  return std::move(st.result);
}

}  // namespace mc::bench
