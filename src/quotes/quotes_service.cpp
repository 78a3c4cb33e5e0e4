// Wiring of the quotes pipeline: every feed callback runs on one strand, so the checker and
// the per-symbol baselines need no lock; the snapshot is locked for the HTTP threads.
#include "quotes/quotes_service.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>

#include "common/http/health.h"
#include "common/http/message.h"
#include "common/http/server.h"
#include "common/log/log.h"
#include "quotes/coinbase_feed.h"
#include "quotes/replay_feed.h"
#include "quotes/sim_feed.h"

namespace mc::quotes {

namespace {

std::chrono::milliseconds stale_check_interval(std::chrono::milliseconds stale_ms) {
  using std::chrono::milliseconds;
  return std::clamp(stale_ms / 4, milliseconds{50}, milliseconds{1000});
}

timestamp now_us() {
  return std::chrono::floor<std::chrono::microseconds>(clock::now());
}

}  // namespace

feed_ptr make_feed(const service_config& config, net::any_io_executor executor) {
  switch (config.feed) {
    case feed_source::sim:
      return std::make_unique<sim_feed>(executor, config.sim, config.symbols);
    case feed_source::coinbase:
      return std::make_unique<coinbase_feed>(executor, config.coinbase, config.symbols);
    case feed_source::replay:
      return std::make_unique<replay_feed>(executor, config.replay);
  }
  throw std::invalid_argument("unknown feed");
}

// Adapts feed callbacks to the service (kept out of the public interface).
class quotes_service::sink final : public feed_sink {
 public:
  explicit sink(quotes_service& s) : s_(s) {}
  void on_quote(quote q) override { s_.on_quote(std::move(q)); }
  void on_malformed(std::string_view detail) override {
    s_.metrics_.ticks_in.inc();
    s_.on_drop(drop_reason::malformed, "", detail);
  }
  void on_connected(bool reconnect) override {
    if (reconnect) s_.metrics_.feed_reconnects.inc();
    s_.metrics_.feed_connected.set(1);
  }
  void on_disconnected(std::string_view) override {
    s_.metrics_.feed_disconnects.inc();
    s_.metrics_.feed_connected.set(0);
  }
  void on_sequence_gap(std::string_view symbol, uint64_t missed) override {
    if (auto* m = s_.metrics_.for_symbol(std::string(symbol))) m->sequence_gaps->inc(missed);
    log::info("ticker gap", {{"symbol", std::string(symbol)}, {"missed", std::to_string(missed)}});
  }

 private:
  quotes_service& s_;
};

quotes_service::quotes_service(service_config config, net::io_context& ioc,
                               metrics::registry& registry)
    : config_(std::move(config)),
      strand_(net::make_strand(ioc)),
      metrics_(registry, config_.feed, config_.symbols),
      checker_(config_.symbols),
      book_(config_.symbols, config_.stale_ms),
      sink_(std::make_unique<sink>(*this)),
      stale_timer_(strand_) {
  publisher_options po;
  po.redis_url = config_.redis_url;
  po.queue_per_symbol_max = config_.publish_queue_per_symbol_max;
  po.batch_max = config_.publish_batch_max;
  publisher_ = std::make_unique<redis_publisher>(po, metrics_);
  candle_store_options co;
  co.redis_url = config_.redis_url;
  candle_store_ = std::make_unique<candle_store>(co);
  feed_ = make_feed(config_, strand_);
}

quotes_service::~quotes_service() {
  publisher_->stop();
  candle_store_->stop();
}

void quotes_service::start() {
  log::info("quotes service starting", {{"feed", std::string(to_string(config_.feed))},
                                        {"symbols", std::to_string(config_.symbols.size())}});
  publisher_->start();
  candle_store_->start();
  book_.refresh_staleness(now_us());  // starts the grace period for never-quoted symbols
  feed_->start(*sink_);
  net::co_spawn(strand_, watch_staleness(), net::detached);
}

void quotes_service::stop() {
  feed_->stop();
  net::post(strand_, [this] {
    stopped_ = true;
    stale_timer_.cancel();
  });
  publisher_->stop();
  candle_store_->stop();
}

void quotes_service::on_quote(quote q) {
  metrics_.ticks_in.inc();
  if (auto reason = checker_.check(q)) {
    on_drop(*reason, q.symbol, "");
    return;
  }
  book_.update(q);
  if (auto* m = metrics_.for_symbol(q.symbol)) m->stale->set(0);
  publisher_->publish(q, false);
  // Candles of the mid price, by the venue's time (whole seconds: buckets are >= 1 minute).
  candle_updates_.clear();
  const auto unix_s =
      std::chrono::duration_cast<std::chrono::seconds>(q.exchange_time.time_since_epoch()).count();
  candles_.add(q.symbol, unix_s, mid_price(q.bid, q.ask), candle_updates_);
  candle_store_->put(candle_updates_);
}

void quotes_service::on_drop(drop_reason reason, std::string_view symbol, std::string_view detail) {
  metrics_.dropped(reason).inc();
  auto& state = drop_log_[static_cast<size_t>(reason)];
  auto now = std::chrono::steady_clock::now();
  if (now - state.last < std::chrono::seconds{1}) {
    ++state.suppressed;
    return;
  }
  log::warn("quote dropped", {{"reason", std::string(to_string(reason))},
                              {"symbol", std::string(symbol)},
                              {"detail", std::string(detail)},
                              {"suppressed_since_last", std::to_string(state.suppressed)}});
  state.last = now;
  state.suppressed = 0;
}

net::awaitable<void> quotes_service::watch_staleness() {
  const auto interval = stale_check_interval(config_.stale_ms);
  while (!stopped_) {
    stale_timer_.expires_after(interval);
    auto [ec] = co_await stale_timer_.async_wait(net::as_tuple(net::use_awaitable));
    if (ec || stopped_) break;
    // A symbol that just went stale is published once more, flagged, so subscribers (the
    // house liquidity provider) can stop trusting it without polling.
    for (auto& entry : book_.refresh_staleness(now_us())) {
      log::warn("quote stale", {{"symbol", entry.q.symbol},
                                {"stale_ms", std::to_string(config_.stale_ms.count())}});
      publisher_->publish(entry.q, true);
    }
    for (const auto& symbol : config_.symbols) {
      auto entry = book_.get(symbol);
      if (auto* m = metrics_.for_symbol(symbol)) m->stale->set(!entry || entry->stale ? 1 : 0);
    }
  }
}

net::awaitable<bool> quotes_service::ready() const {
  co_return publisher_->redis_ok() && !book_.any_stale();
}

void quotes_service::add_routes(http::router& r) {
  auto one = [this](const std::string& raw, const std::string& request_id) {
    std::string symbol = raw;
    std::transform(symbol.begin(), symbol.end(), symbol.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!book_.known(symbol)) {
      return http::error_response(400, "INVALID_SYMBOL", "unknown symbol: " + raw, request_id);
    }
    auto entry = book_.get(symbol);
    if (!entry) {
      return http::error_response(503, http::code::service_unavailable,
                                  "no quote yet for " + symbol, request_id);
    }
    return http::json_response(200, to_json(entry->q, entry->stale));
  };
  r.add("GET", "/quotes", [this, one](http::request& req) -> net::awaitable<http::response> {
    if (auto symbol = req.find_query_param("symbol")) co_return one(*symbol, req.request_id);
    co_return http::json_response(200, book_to_json(book_.all()));
  });
  r.add("GET", "/quotes/{symbol}", [one](http::request& req) -> net::awaitable<http::response> {
    co_return one(std::string(req.param("symbol")), req.request_id);
  });
}

int run_service(const service_config& config) {
  net::io_context ioc;
  http::router router;
  quotes_service service(config, ioc);
  service.add_routes(router);
  http::add_health_routes(
      router, [&service]() -> net::awaitable<bool> { co_return co_await service.ready(); },
      "quotes");
  http::server_options opts;
  opts.service = "quotes";
  opts.bind_address = config.bind_address;
  opts.port = static_cast<uint16_t>(config.port);
  http::server server(ioc, opts, router);
  log::info("quotes listening", {{"port", std::to_string(server.port())}});
  service.start();
  int rc = http::run_until_signal(ioc, server, 1, [&service]() -> net::awaitable<void> {
    service.stop();
    co_return;
  });
  // Let the feed's coroutines observe the cancellation before the service goes away.
  ioc.restart();
  ioc.run_for(std::chrono::milliseconds{200});
  log::info("quotes stopped");
  return rc;
}

int main_from_env() {
  log::init("quotes");
  const service_config config =
      config::load_or_exit([] { return load_config(config::env_reader{}); });
  try {
    return run_service(config);
  } catch (const std::exception& e) {
    log::error("quotes failed to start", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace mc::quotes
