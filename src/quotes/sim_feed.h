// The default feed: one seeded GBM walk per symbol, ticking every sim_config::tick_ms on the
// service's executor. No network, so demos and tests run anywhere.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <vector>

#include "quotes/feed.h"
#include "quotes/gbm_walk.h"
#include "quotes/service_config.h"

namespace mc::quotes {

namespace net = boost::asio;

class sim_feed final : public feed {
 public:
  sim_feed(net::any_io_executor executor, const sim_config& config,
           const std::vector<std::string>& symbols);

  void start(feed_sink& sink) override;
  void stop() override;
  feed_source source() const override { return feed_source::sim; }

 private:
  net::awaitable<void> run(feed_sink& sink);

  net::any_io_executor executor_;
  std::chrono::milliseconds tick_ms_;
  std::vector<gbm_walk> walks_;
  net::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace mc::quotes
