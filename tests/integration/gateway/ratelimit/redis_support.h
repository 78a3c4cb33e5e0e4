// Helpers for the rate-limit tests against the test Redis: unique key prefixes so tests never
// share buckets, running one coroutine to completion, and a guard that restarts Redis.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <unistd.h>

#include <atomic>
#include <random>
#include <string>

#include "support/test_env.h"

namespace mc::gateway::ratelimit::test {

namespace net = boost::asio;

inline std::string unique_prefix(const std::string& name) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "rltest:" + name + ":" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
         "-" + std::to_string(rd() % 1'000'000) + ":";
}

template <typename T>
T run(net::awaitable<T> a) {
  net::io_context io;
  auto fut = net::co_spawn(io, std::move(a), net::use_future);
  io.run();
  return fut.get();
}

// Stops the test Redis; starts it again when the test ends, however it ends.
struct redis_outage {
  bool stopped = false;
  int stop() {
    const int rc = mc::test::infra("stop-redis");
    stopped = rc == 0;
    return rc;
  }
  int start() {
    const int rc = mc::test::infra("start-redis");
    if (rc == 0) stopped = false;
    return rc;
  }
  ~redis_outage() {
    if (stopped) mc::test::infra("start-redis");
  }
};

}  // namespace mc::gateway::ratelimit::test
