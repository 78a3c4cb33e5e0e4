// A clock that moves only when a test says so, for the limiter's injected clock_fn.
#pragma once

#include <chrono>

#include "gateway/ratelimit/limiter.h"

namespace mc::gateway::ratelimit::test {

struct manual_clock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};

  void advance(std::chrono::microseconds d) { now += d; }
  clock_fn fn() {
    return [this] { return now; };
  }
};

}  // namespace mc::gateway::ratelimit::test
