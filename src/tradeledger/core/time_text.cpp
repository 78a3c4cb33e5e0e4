// RFC 3339 rendering of microsecond timestamps (always UTC, always six fraction digits, so the
// text sorts like the time).
#include "tradeledger/core/time_text.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace mc::tradeledger {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(std::int64_t epoch_us) {
  std::int64_t secs = epoch_us / 1'000'000;
  std::int64_t micros = epoch_us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 96> buf{};  // sized for any int fields, so no truncation is possible
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return std::string(buf.data());
}

}  // namespace mc::tradeledger
