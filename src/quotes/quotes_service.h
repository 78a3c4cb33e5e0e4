// The quotes service as a component: feed -> checker -> snapshot + Redis publisher, plus
// its HTTP routes. The quotes binary runs it alone (run_service / main_from_env); the
// monolith constructs it on its own io_context next to the other services.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <memory>

#include "common/http/router.h"
#include "common/metrics/metrics.h"
#include "quotes/candle.h"
#include "quotes/candle_store.h"
#include "quotes/feed.h"
#include "quotes/quote_book.h"
#include "quotes/quote_checker.h"
#include "quotes/quotes_metrics.h"
#include "quotes/redis_publisher.h"
#include "quotes/service_config.h"

namespace mc::quotes {

namespace net = boost::asio;

// Builds the feed that `config.feed` names, on `executor`. Throws std::invalid_argument for
// settings that cannot work (e.g. an unreadable CA file).
feed_ptr make_feed(const service_config& config, net::any_io_executor executor);

class quotes_service {
 public:
  // Throws std::invalid_argument on unusable settings (start-up). `registry` is what /metrics
  // renders in production; tests may pass their own.
  quotes_service(service_config config, net::io_context& ioc,
                 metrics::registry& registry = metrics::default_registry());
  ~quotes_service();
  quotes_service(const quotes_service&) = delete;
  quotes_service& operator=(const quotes_service&) = delete;

  // Starts the publisher thread, the feed and the staleness timer.
  void start();
  // Stops the feed and the timer (asynchronously, on the service strand), then flushes and
  // joins the publisher. Keep running the io_context briefly afterwards (or until it runs
  // out of work) before destroying the service, so the feed's coroutines can finish.
  void stop();

  // GET /quotes, GET /quotes?symbol=S, GET /quotes/{symbol}.
  void add_routes(http::router& r);
  // Readiness: Redis answered the last round trip and no configured symbol is stale.
  net::awaitable<bool> ready() const;

  const quote_book& book() const { return book_; }
  const redis_publisher& publisher() const { return *publisher_; }
  quotes_metrics& metrics() { return metrics_; }
  const service_config& config() const { return config_; }

 private:
  class sink;
  void on_quote(quote q);
  void on_drop(drop_reason reason, std::string_view symbol, std::string_view detail);
  net::awaitable<void> watch_staleness();

  service_config config_;
  net::strand<net::io_context::executor_type> strand_;
  quotes_metrics metrics_;
  quote_checker checker_;
  quote_book book_;
  std::unique_ptr<redis_publisher> publisher_;
  candle_aggregator candles_;  // on the strand, like the checker
  std::unique_ptr<candle_store> candle_store_;
  std::vector<candle_update> candle_updates_;  // reused buffer
  std::unique_ptr<sink> sink_;
  feed_ptr feed_;
  net::steady_timer stale_timer_;
  bool stopped_ = false;
  // Drop logging is limited to one line per reason per second, with a suppressed count.
  struct drop_log_state {
    std::chrono::steady_clock::time_point last{};
    uint64_t suppressed = 0;
  };
  std::array<drop_log_state, all_drop_reasons.size()> drop_log_{};
};

// Runs the quotes service with its HTTP server on config.port until SIGTERM/SIGINT; returns
// the process exit code (0 after a clean shutdown).
int run_service(const service_config& config);

// For the quotes binary's main: log::init, config from the environment (a bad value prints one
// line and exits 2), then run_service.
int main_from_env();

}  // namespace mc::quotes
