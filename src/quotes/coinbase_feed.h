// Live Coinbase Exchange market data: a TLS WebSocket (SNI, certificate and host-name checks)
// subscribed to `ticker` and `heartbeat`. On any failure it reconnects with jittered
// exponential backoff and subscribes again; trade-id jumps are reported as sequence gaps.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "quotes/feed.h"
#include "quotes/service_config.h"

namespace mc::quotes {

namespace net = boost::asio;

class coinbase_feed final : public feed {
 public:
  // Frames larger than this close the connection (Coinbase tickers are ~500 bytes).
  static constexpr size_t frame_bytes_max = 1 << 20;

  // Throws std::invalid_argument for a URL that is not wss://host[:port][/path], or a CA file
  // that cannot be loaded (start-up).
  coinbase_feed(net::any_io_executor executor, coinbase_config config,
                std::vector<std::string> symbols);
  ~coinbase_feed() override;

  void start(feed_sink& sink) override;
  void stop() override;
  feed_source source() const override { return feed_source::coinbase; }

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the running coroutine, which may outlive stop()
};

}  // namespace mc::quotes
