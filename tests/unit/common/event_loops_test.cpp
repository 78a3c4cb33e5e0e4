// io::event_loops under a real server and client_pool: connections are dealt over the loops,
// every request of a connection runs on its loop's one thread, and a client_pool used from two
// loops keeps (and reuses) one connection per loop.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/io/event_loops.h"

namespace mc::http {
namespace {

using namespace std::chrono_literals;

std::string this_thread_name() {
  std::ostringstream out;
  out << std::this_thread::get_id();
  return out.str();
}

// Runs `loops` on a thread of its own for the scope's lifetime.
struct running {
  explicit running(io::event_loops& l) : loops(l), thread([this] { loops.run(); }) {}
  ~running() {
    loops.stop();
    thread.join();
  }
  io::event_loops& loops;
  std::thread thread;
};

// A server on `loops` whose /thread answers with the id of the thread that ran the handler.
struct thread_echo_server {
  io::event_loops loops{2};
  router routes;
  std::unique_ptr<server> srv;
  std::thread runner;

  thread_echo_server() {
    routes.add("GET", "/thread", [](request&) -> net::awaitable<response> {
      co_return json_response(200, this_thread_name());
    });
    server_options opts;
    opts.access_log = false;
    srv = std::make_unique<server>(loops, opts, routes);
    runner = std::thread([this] { loops.run(); });
  }
  ~thread_echo_server() {
    srv->stop();
    loops.stop();
    runner.join();
  }
};

// Sends `count` requests on one keep-alive connection (a pool of its own) and returns the
// handler threads seen.
std::set<std::string> threads_seen_by_one_connection(std::uint16_t port, int count) {
  net::io_context ioc;
  client_pool pool("127.0.0.1", port);
  std::set<std::string> seen;
  for (int i = 0; i < count; ++i) {
    auto fut = net::co_spawn(ioc, pool.request("GET", "/thread", {}, {}, 2s), net::use_future);
    ioc.restart();
    ioc.run();
    const client_result r = fut.get();
    EXPECT_TRUE(r.ok) << r.error;
    seen.insert(r.body);
  }
  EXPECT_EQ(pool.connections_opened(), 1u);
  return seen;
}

TEST(EventLoops, EachConnectionStaysOnOneLoopAndConnectionsAreDealtOverAllLoops) {
  thread_echo_server s;
  std::set<std::string> all;
  for (int c = 0; c < 4; ++c) {
    const auto seen = threads_seen_by_one_connection(s.srv->port(), 10);
    EXPECT_EQ(seen.size(), 1u) << "a connection's requests ran on more than one thread";
    all.insert(seen.begin(), seen.end());
  }
  EXPECT_EQ(all.size(), 2u) << "four connections in turn should have used both loops";
}

TEST(EventLoops, AClientPoolKeepsAndReusesOneConnectionPerCallingLoop) {
  thread_echo_server upstream;
  io::event_loops callers(2);
  running run(callers);
  client_pool pool("127.0.0.1", upstream.srv->port());

  // Requests in turn from each caller loop: each loop opens its own connection once.
  for (int round = 0; round < 5; ++round) {
    for (int loop = 0; loop < 2; ++loop) {
      auto& ctx = callers.next();
      auto fut = net::co_spawn(ctx, pool.request("GET", "/thread", {}, {}, 2s), net::use_future);
      ASSERT_EQ(fut.wait_for(5s), std::future_status::ready);
      const client_result r = fut.get();
      ASSERT_TRUE(r.ok) << r.error;
    }
  }
  EXPECT_EQ(pool.connections_opened(), 2u);
  EXPECT_EQ(pool.idle_count(), 2u);
}

TEST(EventLoops, AnIdleLoopKeepsRunningUntilStopped) {
  io::event_loops loops(3);
  running run(loops);
  std::this_thread::sleep_for(50ms);
  // Work posted to the last loop long after start still runs: its thread did not return.
  auto fut = net::co_spawn(
      loops.executors().back(), []() -> net::awaitable<int> { co_return 7; }, net::use_future);
  ASSERT_EQ(fut.wait_for(2s), std::future_status::ready) << "the idle loop's thread had returned";
  EXPECT_EQ(fut.get(), 7);
}

}  // namespace
}  // namespace mc::http
