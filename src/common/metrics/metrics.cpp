// Metric registry and Prometheus text rendering. The registry lock guards only the family maps;
// metric values are atomics so the hot path never takes it.
#include "common/metrics/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace mc::metrics {
namespace {

enum family_type : int { type_counter, type_gauge, type_histogram };

constexpr std::string_view type_name(int t) {
  switch (t) {
    case type_counter:
      return "counter";
    case type_gauge:
      return "gauge";
    default:
      return "histogram";
  }
}

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    // general: "0.0001" rather than the shorter "1e-04", as Prometheus clients print it.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
    out.append(buf, ec == std::errc{} ? end : buf);
  }
}

void append_u64(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Label values escape backslash, double quote and newline; HELP escapes backslash and newline.
void append_escaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `k1="v1",k2="v2"` with keys sorted, so {a,b} and {b,a} name the same instance.
std::string label_key(const labels& label_set, bool is_histogram) {
  labels sorted = label_set;
  std::sort(sorted.begin(), sorted.end());
  std::string key;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const auto& [k, v] = sorted[i];
    if (!valid_name(k, false) || k.starts_with("__") || (is_histogram && k == "le")) {
      throw std::logic_error("metrics: invalid label name '" + k + "'");
    }
    if (i > 0 && sorted[i - 1].first == k) {
      throw std::logic_error("metrics: duplicate label '" + k + "'");
    }
    if (i > 0) key += ',';
    key += k;
    key += "=\"";
    append_escaped(key, v, true);
    key += '"';
  }
  return key;
}

}  // namespace

histogram::histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 1; i < bounds_.size(); ++i) {
    if (!(bounds_[i - 1] < bounds_[i])) {
      throw std::logic_error("metrics: histogram bounds must be strictly increasing");
    }
  }
}

void histogram::observe(double v) noexcept {
  // Buckets are few (≈16), so a linear scan beats a binary search's branch misses.
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

struct registry::family {
  std::string help;
  int type = type_counter;
  std::vector<double> bounds;
  // Keyed by the rendered label set; unique_ptr keeps references stable across inserts.
  std::map<std::string, std::unique_ptr<metrics::counter>> counters;
  std::map<std::string, std::unique_ptr<metrics::gauge>> gauges;
  std::map<std::string, std::unique_ptr<metrics::histogram>> histograms;
};

registry::registry() = default;
registry::~registry() = default;

registry::family& registry::family_for(std::string_view name, std::string_view help, int type) {
  if (!valid_name(name, true)) {
    throw std::logic_error("metrics: invalid metric name '" + std::string(name) + "'");
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<family>();
    f->help = help;
    f->type = type;
    it = families_.emplace(std::string(name), std::move(f)).first;
  } else if (it->second->type != type) {
    throw std::logic_error("metrics: '" + std::string(name) + "' already registered as " +
                           std::string(type_name(it->second->type)));
  }
  return *it->second;
}

counter& registry::counter(std::string_view name, std::string_view help, const labels& label_set) {
  std::string key = label_key(label_set, false);
  std::lock_guard lock(mutex_);
  auto& f = family_for(name, help, type_counter);
  auto& slot = f.counters[std::move(key)];
  if (!slot) slot = std::make_unique<metrics::counter>();
  return *slot;
}

gauge& registry::gauge(std::string_view name, std::string_view help, const labels& label_set) {
  std::string key = label_key(label_set, false);
  std::lock_guard lock(mutex_);
  auto& f = family_for(name, help, type_gauge);
  auto& slot = f.gauges[std::move(key)];
  if (!slot) slot = std::make_unique<metrics::gauge>();
  return *slot;
}

histogram& registry::histogram(std::string_view name, std::string_view help,
                               const labels& label_set, std::span<const double> upper_bounds) {
  std::string key = label_key(label_set, true);
  std::lock_guard lock(mutex_);
  auto& f = family_for(name, help, type_histogram);
  if (f.histograms.empty() && f.bounds.empty())
    f.bounds.assign(upper_bounds.begin(), upper_bounds.end());
  auto& slot = f.histograms[std::move(key)];
  if (!slot) slot = std::make_unique<metrics::histogram>(f.bounds);
  return *slot;
}

std::string registry::render() const {
  std::string out;
  out.reserve(4096);
  std::lock_guard lock(mutex_);
  for (const auto& [name, f] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, f->help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_name(f->type);
    out += '\n';
    auto open_labels = [&](std::string_view suffix, const std::string& key) {
      out += name;
      out += suffix;
      if (!key.empty()) {
        out += '{';
        out += key;
        out += '}';
      }
      out += ' ';
    };
    for (const auto& [key, c] : f->counters) {
      open_labels("", key);
      append_u64(out, c->value());
      out += '\n';
    }
    for (const auto& [key, g] : f->gauges) {
      open_labels("", key);
      append_double(out, g->value());
      out += '\n';
    }
    for (const auto& [key, h] : f->histograms) {
      // Buckets are cumulative in the exposition format; we store them per bucket so that
      // observe() touches one counter. Concurrent observes may make _count differ slightly
      // from the +Inf bucket in one scrape; Prometheus tolerates that.
      std::uint64_t cumulative = 0;
      const auto& bounds = h->upper_bounds();
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += h->bucket_count(i);
        out += name;
        out += "_bucket{";
        if (!key.empty()) {
          out += key;
          out += ',';
        }
        out += "le=\"";
        append_double(out, i < bounds.size() ? bounds[i] : HUGE_VAL);
        out += "\"} ";
        append_u64(out, cumulative);
        out += '\n';
      }
      open_labels("_sum", key);
      append_double(out, h->sum());
      out += '\n';
      open_labels("_count", key);
      append_u64(out, h->count());
      out += '\n';
    }
  }
  return out;
}

registry& default_registry() {
  static registry instance;
  return instance;
}

}  // namespace mc::metrics
