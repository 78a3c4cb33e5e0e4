// A circuit breaker for calls to one dependency: closed (calls flow) → open after
// `failure_threshold` failures in a row (calls refused at once for `open_for`) → half-open
// (one probe call; its success closes the breaker, its failure opens it again). Refusing at
// once while the dependency is down keeps callers from piling up behind timeouts.
// Thread-safe; the clock is injected for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace mc::tradeledger {

class circuit_breaker {
 public:
  using clock = std::chrono::steady_clock;
  enum class state : std::uint8_t { closed, open, half_open };

  struct options {
    int failure_threshold = 5;
    std::chrono::milliseconds open_for{2000};
  };

  explicit circuit_breaker(options opts, std::function<clock::time_point()> now = clock::now);

  // May a call go ahead now? In half-open exactly one caller gets true (the probe) until it
  // reports back.
  bool allow();
  void on_success();
  void on_failure();

  state current() const;
  // How long until the breaker lets a probe through (0 unless open); for Retry-After.
  std::chrono::milliseconds retry_after() const;

  // Called with the new state on every transition (metrics, logs); set before use.
  std::function<void(state)> on_transition;

 private:
  void move_to(state s);  // mutex_ held

  options opts_;
  std::function<clock::time_point()> now_;
  mutable std::mutex mutex_;
  state state_ = state::closed;
  int failures_ = 0;
  clock::time_point opened_at_{};
  bool probe_in_flight_ = false;
};

const char* to_string(circuit_breaker::state s);

}  // namespace mc::tradeledger
