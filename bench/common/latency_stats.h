// Latency samples of one benchmark phase and the percentiles people read (p50 … max).
// Samples are kept whole (a 10-second phase at 10k/s is 100k doubles), so the figures are exact.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace mc::bench {

struct percentiles {
  std::size_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

// Nearest-rank percentile of `samples_ms` (reorders it); 0 when empty. `p` in [0, 1].
double percentile(std::vector<double>& samples_ms, double p);

// All of them at once (sorts a copy).
percentiles summarize(std::vector<double> samples_ms);

// One row per phase, printed as a fixed-width table by print_table.
struct table_row {
  std::string phase;
  double offered_per_s = 0;   // 0: closed loop (nothing offered, as fast as answers come)
  double achieved_per_s = 0;  // 2xx answers per second
  std::size_t errors = 0;     // non-2xx answers, transport failures and requests never sent
  percentiles lat;
};

void print_table(std::FILE* out, const std::vector<table_row>& rows);

}  // namespace mc::bench
