#include "tradeledger/api/circuit_breaker.h"

#include <algorithm>

namespace mc::tradeledger {

circuit_breaker::circuit_breaker(options opts, std::function<clock::time_point()> now)
    : opts_(opts), now_(std::move(now)) {}

bool circuit_breaker::allow() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case state::closed:
      return true;
    case state::open:
      if (now_() - opened_at_ < opts_.open_for) return false;
      move_to(state::half_open);
      probe_in_flight_ = true;
      return true;
    case state::half_open:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void circuit_breaker::on_success() {
  std::lock_guard lock(mutex_);
  failures_ = 0;
  probe_in_flight_ = false;
  if (state_ != state::closed) move_to(state::closed);
}

void circuit_breaker::on_failure() {
  std::lock_guard lock(mutex_);
  probe_in_flight_ = false;
  ++failures_;
  if (state_ == state::half_open ||
      (state_ == state::closed && failures_ >= opts_.failure_threshold)) {
    opened_at_ = now_();
    move_to(state::open);
  }
}

circuit_breaker::state circuit_breaker::current() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::chrono::milliseconds circuit_breaker::retry_after() const {
  std::lock_guard lock(mutex_);
  if (state_ != state::open) return std::chrono::milliseconds{0};
  const auto left =
      opts_.open_for - std::chrono::duration_cast<std::chrono::milliseconds>(now_() - opened_at_);
  return std::max(left, std::chrono::milliseconds{0});
}

void circuit_breaker::move_to(state s) {
  state_ = s;
  if (on_transition) on_transition(s);
}

const char* to_string(circuit_breaker::state s) {
  switch (s) {
    case circuit_breaker::state::closed:
      return "closed";
    case circuit_breaker::state::open:
      return "open";
    case circuit_breaker::state::half_open:
      return "half_open";
  }
  return "closed";
}

}  // namespace mc::tradeledger
