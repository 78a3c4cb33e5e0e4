// Percentiles and the end-of-run table of the HTTP load generators.
#include "latency_stats.h"

#include <algorithm>
#include <cmath>

namespace mc::bench {

double percentile(std::vector<double>& samples_ms, double p) {
  if (samples_ms.empty()) return 0;
  // Nearest rank: the smallest sample with at least p of all samples at or below it.
  const auto n = samples_ms.size();
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
  const std::size_t k = rank == 0 ? 0 : std::min(rank, n) - 1;
  std::nth_element(samples_ms.begin(), samples_ms.begin() + static_cast<std::ptrdiff_t>(k),
                   samples_ms.end());
  return samples_ms[k];
}

percentiles summarize(std::vector<double> samples_ms) {
  percentiles out;
  out.count = samples_ms.size();
  if (samples_ms.empty()) return out;
  std::sort(samples_ms.begin(), samples_ms.end());
  auto at = [&](double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(samples_ms.size())));
    return samples_ms[rank == 0 ? 0 : std::min(rank, samples_ms.size()) - 1];
  };
  out.p50_ms = at(0.50);
  out.p90_ms = at(0.90);
  out.p99_ms = at(0.99);
  out.p999_ms = at(0.999);
  out.max_ms = samples_ms.back();
  return out;
}

void print_table(std::FILE* out, const std::vector<table_row>& rows) {
  std::fprintf(out, "%-22s %9s %9s %8s %8s %8s %8s %8s %9s %7s\n", "phase", "offered/s", "ok/s",
               "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "samples", "errors");
  for (const auto& r : rows) {
    char offered[32];
    if (r.offered_per_s > 0)
      std::snprintf(offered, sizeof offered, "%.0f", r.offered_per_s);
    else
      std::snprintf(offered, sizeof offered, "closed");
    std::fprintf(out, "%-22s %9s %9.0f %8.2f %8.2f %8.2f %8.2f %8.2f %9zu %7zu\n", r.phase.c_str(),
                 offered, r.achieved_per_s, r.lat.p50_ms, r.lat.p90_ms, r.lat.p99_ms, r.lat.p999_ms,
                 r.lat.max_ms, r.lat.count, r.errors);
  }
}

}  // namespace mc::bench
