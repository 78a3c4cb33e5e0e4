// Timer loop driving the GBM walks; deadlines advance by a fixed step so ticks do not drift.
#include "quotes/sim_feed.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mc::quotes {

sim_feed::sim_feed(net::any_io_executor executor, const sim_config& config,
                   const std::vector<std::string>& symbols)
    : executor_(executor), tick_ms_(config.tick_ms), timer_(executor) {
  for (const auto& s : symbols) {
    gbm_params p;
    p.symbol = s;
    auto it = config.start_prices.find(s);
    p.start_price = it == config.start_prices.end() ? 10000 : it->second;
    p.volatility = config.volatility;
    p.tick_ms = config.tick_ms.count();
    p.spread_bps = config.spread_bps;
    p.size = config.size;
    p.seed = config.seed;
    walks_.emplace_back(std::move(p));
  }
}

void sim_feed::start(feed_sink& sink) {
  net::co_spawn(executor_, run(sink), net::detached);
}

void sim_feed::stop() {
  net::post(executor_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

net::awaitable<void> sim_feed::run(feed_sink& sink) {
  sink.on_connected(false);
  auto deadline = std::chrono::steady_clock::now();
  while (!stopped_) {
    auto now = std::chrono::floor<std::chrono::microseconds>(clock::now());
    for (auto& walk : walks_) sink.on_quote(walk.next(now));
    deadline += tick_ms_;
    // After a long stall (debugger, overloaded box) skip missed ticks instead of bursting.
    if (deadline < std::chrono::steady_clock::now()) deadline = std::chrono::steady_clock::now();
    timer_.expires_at(deadline);
    auto [ec] = co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) break;
  }
}

}  // namespace mc::quotes
