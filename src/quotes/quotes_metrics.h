// The quotes service's metrics, registered once and held by reference (updates are
// lock-free). Tests pass their own registry so counts do not leak between them.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "quotes/drop_reason.h"
#include "quotes/quote.h"

namespace mc::quotes {

struct symbol_metrics {
  metrics::gauge* stale = nullptr;            // quotes_stale{symbol}: 1 while stale
  metrics::counter* sequence_gaps = nullptr;  // quotes_sequence_gaps_total{symbol}
  metrics::counter* published = nullptr;      // quotes_published_total{symbol}
};

class quotes_metrics {
 public:
  quotes_metrics(metrics::registry& registry, feed_source source,
                 const std::vector<std::string>& symbols);

  metrics::counter& ticks_in;          // quotes_ticks_in_total{source}
  metrics::counter& feed_reconnects;   // quotes_feed_reconnects_total (successful)
  metrics::counter& feed_disconnects;  // quotes_feed_disconnects_total
  metrics::gauge& feed_connected;      // quotes_feed_connected
  metrics::counter& publish_errors;    // quotes_publish_errors_total (failed pipelines)
  metrics::counter& conflated;         // quotes_conflated_total (superseded before publishing)
  metrics::gauge& publish_pending;     // quotes_publish_pending
  metrics::gauge& redis_up;            // quotes_redis_up
  metrics::histogram& publish_batch_seconds;  // quotes_publish_batch_seconds

  metrics::counter& dropped(drop_reason r) { return *dropped_[static_cast<size_t>(r)]; }
  // nullptr for a symbol that is not configured.
  symbol_metrics* for_symbol(const std::string& symbol);

 private:
  std::array<metrics::counter*, all_drop_reasons.size()> dropped_{};
  std::map<std::string, symbol_metrics, std::less<>> symbols_;
};

}  // namespace mc::quotes
