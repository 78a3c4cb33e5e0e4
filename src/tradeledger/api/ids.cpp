// UUID helpers for the ledger core.
#include "tradeledger/api/ids.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace mc::tradeledger {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::optional<std::string> normalize_uuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash) {
      if (out[i] != '-') return std::nullopt;
      continue;
    }
    if (!is_hex(out[i])) return std::nullopt;
    if (out[i] >= 'A' && out[i] <= 'F') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return out;
}

uuid_generator::uuid_generator() : rng_(std::random_device{}()) {
  rng_.seed((static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}());
}

std::string uuid_generator::next() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return next(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
}

std::string uuid_generator::next(std::uint64_t unix_ms) {
  constexpr std::uint64_t counter_max = 0xFFF;
  if (unix_ms > last_ms_) {
    last_ms_ = unix_ms;
    counter_ = rng_() & (counter_max >> 1);  // random start, half the range left to count up
  } else if (++counter_ > counter_max) {
    ++last_ms_;  // a 4096th id within one millisecond (or a clock step back): borrow the next
    counter_ = 0;
  }
  const std::uint64_t hi = ((last_ms_ & 0xFFFFFFFFFFFFull) << 16) | 0x7000u | counter_;
  const std::uint64_t lo = (rng_() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant
  std::array<char, 37> buf{};
  std::snprintf(buf.data(), buf.size(), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return std::string(buf.data(), 36);
}

std::string trade_uuid(std::uint64_t trade_id) {
  std::array<char, 37> buf{};
  std::snprintf(buf.data(), buf.size(), "00000000-0000-0000-0000-%012llx",
                static_cast<unsigned long long>(trade_id & 0xFFFFFFFFFFFFull));
  return std::string(buf.data(), 36);
}

}  // namespace mc::tradeledger
