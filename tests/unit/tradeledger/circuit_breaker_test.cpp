// The TradeLedger client's circuit breaker, on an injected clock.
#include <gtest/gtest.h>

#include "tradeledger/api/circuit_breaker.h"

namespace mc::tradeledger {
namespace {

using namespace std::chrono_literals;
using state = circuit_breaker::state;

struct fake_clock {
  circuit_breaker::clock::time_point t{};
  auto fn() {
    return [this] { return t; };
  }
};

TEST(CircuitBreaker, OpensAfterRepeatedFailuresThenProbesAndCloses) {
  fake_clock c;
  circuit_breaker b({3, 1000ms}, c.fn());
  std::vector<state> transitions;
  b.on_transition = [&](state s) { transitions.push_back(s); };

  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow());
    b.on_failure();
  }
  EXPECT_EQ(b.current(), state::closed);
  ASSERT_TRUE(b.allow());
  b.on_failure();
  EXPECT_EQ(b.current(), state::open);
  EXPECT_FALSE(b.allow());  // refused at once while open
  EXPECT_EQ(b.retry_after(), 1000ms);

  c.t += 999ms;
  EXPECT_FALSE(b.allow());
  c.t += 1ms;
  EXPECT_TRUE(b.allow());  // the one probe
  EXPECT_EQ(b.current(), state::half_open);
  EXPECT_FALSE(b.allow());  // nobody else while it runs
  b.on_success();
  EXPECT_EQ(b.current(), state::closed);
  EXPECT_TRUE(b.allow());
  EXPECT_EQ(transitions, (std::vector<state>{state::open, state::half_open, state::closed}));
}

TEST(CircuitBreaker, AFailedProbeOpensAgainAndSuccessResetsTheCount) {
  fake_clock c;
  circuit_breaker b({2, 500ms}, c.fn());
  b.on_failure();
  b.on_success();  // the count restarts
  b.on_failure();
  EXPECT_EQ(b.current(), state::closed);
  b.on_failure();
  EXPECT_EQ(b.current(), state::open);
  c.t += 500ms;
  ASSERT_TRUE(b.allow());
  b.on_failure();  // the probe failed
  EXPECT_EQ(b.current(), state::open);
  EXPECT_FALSE(b.allow());
  EXPECT_EQ(b.retry_after(), 500ms);
}

}  // namespace
}  // namespace mc::tradeledger
