// WS /ws/orders: each signed-in user's order updates and fills, live. TradeLedger's outbox
// relay publishes them on orders:<user id>; one Redis subscription (pattern orders:*) per
// gateway feeds every connected client, routed by user. Each event carries the user's own
// sequence number (`user_seq`: 1, 2, 3, ... without holes), so a client that sees a jump —
// it was away, or was too slow — re-reads its orders with GET /api/orders and goes on.
// A client that falls more than `client_queue_max` events behind is closed (1008) with that
// advice rather than allowed to grow the gateway's memory; order events are never coalesced.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "common/http/router.h"
#include "common/metrics/metrics.h"
#include "common/redis/subscriber.h"

namespace mc::gateway::api {

namespace net = boost::asio;

struct order_stream_options {
  std::size_t client_queue_max = 1024;  // events waiting for one slow client
};

class order_stream {
 public:
  order_stream(std::string redis_url, order_stream_options options = {});
  ~order_stream();  // stop()
  order_stream(const order_stream&) = delete;
  order_stream& operator=(const order_stream&) = delete;

  // Subscribes (the subscriber reconnects on its own). Call once.
  void start();
  // Unsubscribes and tells every client to go (1001).
  void stop();

  // WS /ws/orders behind `authorize` (which must set req.principal).
  void add_route(http::router& r, http::ws_authorize authorize);

  // Until Redis confirms the subscription (tests, start-up).
  bool wait_subscribed(std::chrono::milliseconds timeout);
  std::size_t clients() const;

 private:
  struct client;
  using client_ptr = std::shared_ptr<client>;

  net::awaitable<void> serve(http::websocket_ptr ws, http::request& req);
  void on_message(std::string_view channel, std::string_view payload);
  void remove(const client_ptr& c);

  std::string redis_url_;
  order_stream_options options_;
  std::unique_ptr<redis::subscriber> subscriber_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<client_ptr>> by_user_;
  std::size_t client_count_ = 0;
  metrics::gauge& clients_gauge_;
  metrics::counter& delivered_;
  metrics::counter& dropped_clients_;
};

}  // namespace mc::gateway::api
