// WS /ws/orders: each signed-in user's order updates and fills, live. TradeLedger's outbox
// relay appends them to the Redis Stream events:orders; one resumable stream reader per
// gateway feeds every connected client, routed by user, so a gateway that loses Redis for a
// moment continues where it was instead of dropping events. Each event carries the user's own
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
#include "common/redis/stream_reader.h"

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

  // Starts reading the stream from its newest entry (the reader reconnects on its own).
  void start();
  // Stops reading and tells every client to go.
  void stop();

  // WS /ws/orders behind `authorize` (which must set req.principal).
  void add_route(http::router& r, http::ws_authorize authorize);

  // Until the reader has its position in the stream (tests, start-up).
  bool wait_subscribed(std::chrono::milliseconds timeout);
  std::size_t clients() const;

 private:
  struct client;
  using client_ptr = std::shared_ptr<client>;

  net::awaitable<void> serve(http::websocket_ptr ws, http::request& req);
  void on_batch(const std::vector<redis::stream_entry>& batch);
  void on_message(std::string_view channel, std::string_view payload);
  void on_gap();
  void remove(const client_ptr& c);

  std::string redis_url_;
  order_stream_options options_;
  std::unique_ptr<redis::stream_reader> reader_;
  std::int64_t last_seq_ = 0;  // reader thread only: drops the relay's at-least-once repeats
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<client_ptr>> by_user_;
  std::size_t client_count_ = 0;
  metrics::gauge& clients_gauge_;
  metrics::counter& delivered_;
  metrics::counter& dropped_clients_;
};

}  // namespace mc::gateway::api
