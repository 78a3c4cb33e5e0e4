// Process metrics: counters, gauges and fixed-bucket histograms in a thread-safe registry,
// rendered in the Prometheus text exposition format (version 0.0.4) for GET /metrics.
// Registration takes a lock; updating a metric is lock-free (relaxed atomics), so callers
// look a metric up once and keep the reference (references stay valid for the registry's life).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mc::metrics {

// A fixed label set identifying one instance of a metric family, e.g. {{"route","/orders"}}.
using labels = std::vector<std::pair<std::string, std::string>>;

class counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double v) noexcept { value_.fetch_add(v, std::memory_order_relaxed); }
  void inc() noexcept { add(1.0); }
  void dec() noexcept { add(-1.0); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class histogram {
 public:
  // `upper_bounds` must be strictly increasing; +Inf is implicit.
  explicit histogram(std::vector<double> upper_bounds);

  void observe(double v) noexcept;

  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  // Non-cumulative count of bucket i (i == upper_bounds().size() is the +Inf bucket).
  std::uint64_t bucket_count(std::size_t i) const noexcept {
    return buckets_[i].load(std::memory_order_relaxed);
  }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds, 100 µs .. 10 s: our request paths are sub-millisecond to seconds.
inline constexpr double default_latency_buckets_s[] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

class registry {
 public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // Returns the instance for (name, labels), creating it on first use. `help` (and for
  // histograms the buckets) is taken from the first registration of the family. Asking for
  // an existing name with a different type, or a malformed name, throws std::logic_error:
  // that is a programming error found at start-up.
  metrics::counter& counter(std::string_view name, std::string_view help,
                            const labels& label_set = {});
  metrics::gauge& gauge(std::string_view name, std::string_view help, const labels& label_set = {});
  metrics::histogram& histogram(std::string_view name, std::string_view help,
                                const labels& label_set = {},
                                std::span<const double> upper_bounds = default_latency_buckets_s);

  // Prometheus text exposition format; families sorted by name, instances by label set.
  std::string render() const;

 private:
  struct family;
  family& family_for(std::string_view name, std::string_view help, int type);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<family>, std::less<>> families_;
};

// The process-wide registry that GET /metrics renders.
registry& default_registry();

}  // namespace mc::metrics
