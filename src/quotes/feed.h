// The boundary every market-data source sits behind: `sim`, `coinbase` and `replay` all
// turn their input into candidate quotes and report them to a feed_sink.
#pragma once

#include <memory>
#include <string_view>

#include "quotes/drop_reason.h"
#include "quotes/quote.h"

namespace mc::quotes {

// Receives what a feed produces. Called on the feed's executor (the service's strand);
// implementations must not block. The service's implementation checks, snapshots and
// publishes; tests use recording doubles.
class feed_sink {
 public:
  virtual ~feed_sink() = default;
  // A parsed quote, not yet checked (crossed, backwards, unknown symbol are judged later).
  virtual void on_quote(quote q) = 0;
  // A frame that could not become a quote at all (malformed), with a detail for the log.
  virtual void on_malformed(std::string_view detail) = 0;
  // The feed (re)connected and subscribed; `reconnect` is false the first time.
  virtual void on_connected(bool reconnect) = 0;
  virtual void on_disconnected(std::string_view why) = 0;
  // `missed` tickers were skipped for `symbol` (trade ids jumped).
  virtual void on_sequence_gap(std::string_view symbol, uint64_t missed) = 0;
};

class feed {
 public:
  virtual ~feed() = default;
  // Starts producing into `sink` (which must outlive the feed) until stop().
  virtual void start(feed_sink& sink) = 0;
  // Stops soon: pending timers and sockets are cancelled; no sink calls after the
  // coroutines have wound down (the io_context keeps running them to completion).
  virtual void stop() = 0;
  virtual feed_source source() const = 0;
};

using feed_ptr = std::unique_ptr<feed>;

}  // namespace mc::quotes
