// Load tool for /ws/quotes fan-out against a running gateway fed by the running Quotes service:
// opens N WebSocket clients, then for a fixed time measures quote-to-client latency of every
// live frame: the client's receive time minus the quote's recv_ts (when the Quotes service had
// it), so the path measured is Quotes → Redis Pub/Sub → gateway → client. recv_ts has
// millisecond resolution: figures are exact to about 1 ms. Counting starts a second after the
// last client connected, so the snapshot frames sent on connect are not counted.
//   ws_fanout_bench --port GATEWAY_PORT [--clients 10000] [--seconds 10]
// Prints "connected N of M", then "frames F p50 X ms p99 Y ms max Z ms".
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
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "quotes/time_format.h"

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using wall = std::chrono::system_clock;

namespace {

// Each client thread records into its own samples (no lock per frame: the client shares the
// two cores with the gateway, and what it spends is latency the gateway is charged with).
struct samples {
  std::vector<double> latencies_ms;
  std::uint64_t unparsed = 0;
  void record(double ms) {
    if (ms < 0) {
      ++unparsed;
    } else {
      latencies_ms.push_back(ms);
    }
  }
};
thread_local samples* this_thread_samples = nullptr;

struct shared_state {
  std::atomic<int> connected{0};
  std::atomic<int> handshaking{0};  // connects in flight (paced, see main)
  std::atomic<bool> measuring{false};
};

// Milliseconds from the frame's recv_ts to now, or a negative value if it has none.
double latency_ms(std::string_view text) {
  constexpr std::string_view field = "\"recv_ts\":\"";
  const auto at = text.find(field);
  if (at == std::string::npos) return -1;
  const auto start = at + field.size();
  const auto end = text.find('"', start);
  if (end == std::string::npos) return -1;
  const auto t = mc::quotes::parse_rfc3339(text.substr(start, end - start));
  if (!t) return -1;
  return std::chrono::duration<double, std::milli>(wall::now() - *t).count();
}

net::awaitable<void> client(std::uint16_t port, shared_state& st) {
  auto ex = co_await net::this_coro::executor;
  beast::websocket::stream<tcp::socket> ws(ex);
  auto [ec] = co_await ws.next_layer().async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::as_tuple(net::use_awaitable));
  if (!ec) {
    std::tie(ec) =
        co_await ws.async_handshake("127.0.0.1", "/ws/quotes", net::as_tuple(net::use_awaitable));
  }
  --st.handshaking;
  if (ec) co_return;
  ++st.connected;
  beast::flat_buffer b;
  for (;;) {
    b.clear();
    auto [rec, n] = co_await ws.async_read(b, net::as_tuple(net::use_awaitable));
    if (rec) co_return;
    if (!st.measuring.load(std::memory_order_relaxed)) continue;
    const auto data = b.cdata();  // a flat_buffer: one contiguous range
    this_thread_samples->record(
        latency_ms(std::string_view(static_cast<const char*>(data.data()), data.size())));
  }
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, clients = 10000;
  double seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") port = std::stoi(v);
    if (a == "--clients") clients = std::stoi(v);
    if (a == "--seconds") seconds = std::stod(v);
  }
  if (port <= 0 || clients <= 0 || seconds <= 0) {
    std::fprintf(stderr, "usage: %s --port GATEWAY_PORT [--clients N] [--seconds S]\n", argv[0]);
    return 2;
  }
  rlimit lim{};  // one descriptor per client
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  shared_state st;
  // Two client threads: one alone could not read 10,000 sockets at the feed's rate, and the
  // backlog would pile up in kernel buffers and be measured as latency of the gateway.
  constexpr int client_threads = 2;
  net::io_context ioc(client_threads);
  auto work = net::make_work_guard(ioc);
  std::vector<std::thread> io_threads;
  std::vector<samples> per_thread(client_threads);
  for (auto& own : per_thread) own.latencies_ms.reserve(1 << 20);
  for (int i = 0; i < client_threads; ++i) {
    io_threads.emplace_back([&ioc, own = &per_thread[i]] {
      this_thread_samples = own;
      ioc.run();
    });
  }
  // At most this many connects in flight, as clients arriving over a few seconds would: ten
  // thousand SYNs at once overflow the listen backlog, and the dropped ones retry only after
  // 1, 3, 7... seconds.
  constexpr int max_handshaking = 256;
  const auto connect_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (int i = 0; i < clients && std::chrono::steady_clock::now() < connect_deadline;) {
    if (st.handshaking.load() >= max_handshaking) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    ++st.handshaking;
    net::co_spawn(ioc, client(static_cast<std::uint16_t>(port), st), net::detached);
    ++i;
  }
  while (st.handshaking.load() > 0 && std::chrono::steady_clock::now() < connect_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("connected %d of %d clients\n", st.connected.load(), clients);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the snapshots land first
  st.measuring = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  st.measuring = false;
  ioc.stop();
  for (auto& t : io_threads) t.join();
  samples all;
  for (auto& own : per_thread) {
    all.latencies_ms.insert(all.latencies_ms.end(), own.latencies_ms.begin(),
                            own.latencies_ms.end());
    all.unparsed += own.unparsed;
  }

  std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
  std::printf("frames %zu (%.0f per second) p50 %.2f ms p99 %.2f ms max %.2f ms unparsed %llu\n",
              all.latencies_ms.size(), static_cast<double>(all.latencies_ms.size()) / seconds,
              percentile(all.latencies_ms, 0.5), percentile(all.latencies_ms, 0.99),
              all.latencies_ms.empty() ? 0.0 : all.latencies_ms.back(),
              static_cast<unsigned long long>(all.unparsed));
  return all.latencies_ms.empty() ? 1 : 0;
}
