// Registration of the quotes metric families (names and help text in one place).
#include "quotes/quotes_metrics.h"

namespace mc::quotes {

quotes_metrics::quotes_metrics(metrics::registry& r, feed_source source,
                               const std::vector<std::string>& symbols)
    : ticks_in(r.counter("quotes_ticks_in_total", "Ticks received from the feed",
                         {{"source", std::string(to_string(source))}})),
      feed_reconnects(r.counter("quotes_feed_reconnects_total",
                                "Feed connections re-established after a disconnect")),
      feed_disconnects(r.counter("quotes_feed_disconnects_total", "Feed connections lost")),
      feed_connected(r.gauge("quotes_feed_connected", "1 while the feed is connected")),
      publish_errors(
          r.counter("quotes_publish_errors_total", "Redis publish pipelines that failed")),
      conflated(r.counter("quotes_conflated_total",
                          "Quotes replaced by a newer one for the same symbol before publishing")),
      publish_pending(r.gauge("quotes_publish_pending", "Quotes waiting to be published")),
      redis_up(r.gauge("quotes_redis_up", "1 when the last Redis round trip succeeded")),
      publish_batch_seconds(r.histogram("quotes_publish_batch_seconds",
                                        "Time to publish one pipelined batch to Redis")) {
  for (drop_reason reason : all_drop_reasons) {
    dropped_[static_cast<size_t>(reason)] =
        &r.counter("quotes_dropped_total", "Ticks dropped instead of published, by reason",
                   {{"reason", std::string(to_string(reason))}});
  }
  for (const auto& s : symbols) {
    symbol_metrics m;
    m.stale = &r.gauge("quotes_stale", "1 while the symbol has no fresh quote", {{"symbol", s}});
    m.sequence_gaps = &r.counter("quotes_sequence_gaps_total",
                                 "Missed tickers detected from trade id jumps", {{"symbol", s}});
    m.published =
        &r.counter("quotes_published_total", "Quotes published to Redis", {{"symbol", s}});
    symbols_.emplace(s, m);
  }
}

symbol_metrics* quotes_metrics::for_symbol(const std::string& symbol) {
  auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : &it->second;
}

}  // namespace mc::quotes
