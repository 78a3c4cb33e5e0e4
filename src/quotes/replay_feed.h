// Plays a JSON-lines file of recorded Coinbase frames (one per line) through the same parser
// as the live connector, paced by the frames' `time` at a chosen speed, optionally looping.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>
#include <vector>

#include "quotes/feed.h"
#include "quotes/service_config.h"

namespace mc::quotes {

namespace net = boost::asio;

class replay_feed final : public feed {
 public:
  // Lines longer than this are reported malformed instead of being buffered.
  static constexpr size_t line_bytes_max = 64 * 1024;

  replay_feed(net::any_io_executor executor, replay_config config);

  void start(feed_sink& sink) override;
  void stop() override;
  feed_source source() const override { return feed_source::replay; }

  // True once a non-looping replay has played the whole file (tests, demos).
  bool finished() const { return finished_; }

 private:
  net::awaitable<void> run(feed_sink& sink);

  net::any_io_executor executor_;
  replay_config config_;
  net::steady_timer timer_;
  bool stopped_ = false;
  bool finished_ = false;
};

}  // namespace mc::quotes
