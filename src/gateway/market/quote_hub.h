// The gateway's market data: a cache of the latest quote per symbol, loaded from Redis's
// `quotes:latest` hash and kept current from Pub/Sub `quotes:*`, served as GET /api/quotes and
// fanned out to /ws/quotes clients. One Redis subscription serves every client; a quote is
// one shared payload, queued per client under that client's own small lock, and written by
// a plain completion chain on the client's strand (no coroutine, no timer per client).
// Heartbeats: the http::server pings idle WebSockets and drops dead peers
// (server_options::ws_idle_timeout); the hub keeps a reader running for that.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/http/router.h"
#include "common/redis/subscriber.h"
#include "gateway/market/send_queue.h"

namespace mc::gateway::market {

struct quote_hub_options {
  std::string redis_url;
  std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};  // what is valid; at most 64
  std::string channel_prefix = "quotes:";                  // as Quotes publishes
  std::string snapshot_key = "quotes:latest";              // as Quotes HSETs
  // Quotes pending per client: at most one per symbol (a newer quote replaces the pending
  // one), and at most this many symbols.
  std::size_t client_queue_limit = 64;
  // A client that has not taken a single frame for this long while quotes wait for it (one
  // write blocked: it stopped reading) is closed (1008 "client too slow").
  std::chrono::milliseconds slow_client_timeout_ms{5000};
  // The kernel's send buffer of each /ws/quotes socket (0 = the system's autotuned one, up
  // to megabytes). Small, so a client that falls behind pushes back on its pending quotes,
  // where they are replaced by newer ones, instead of piling up stale frames in the kernel.
  int socket_send_buffer_bytes = 16 * 1024;
  // How often to check whether the subscriber reconnected (then reload the snapshot) or
  // the first snapshot load is still missing.
  std::chrono::milliseconds resync_interval_ms{250};
};

struct quote_hub_stats {
  std::uint64_t clients;
  std::uint64_t sent;
  std::uint64_t coalesced;
  std::uint64_t dropped;
  std::uint64_t slow_closed;
  std::uint64_t snapshot_loads;
  std::size_t max_queue_seen;  // the largest per-client queue ever observed
  std::uint64_t writes;        // socket writes that carried the `sent` frames
};

class quote_hub {
 public:
  // Throws std::invalid_argument on a bad Redis URL or symbol list (start-up). Starts the
  // subscriber and the snapshot loader; Redis being down is not an error (it retries).
  explicit quote_hub(quote_hub_options options);
  ~quote_hub();  // stop()
  quote_hub(const quote_hub&) = delete;
  quote_hub& operator=(const quote_hub&) = delete;

  // GET /api/quotes behind `rest_filters`, and WS /ws/quotes. `r` must not outlive the hub.
  void add_routes(http::router& r, const http::filter_list& rest_filters);

  // Until subscribed and the snapshot was loaded once (start-up, readiness, tests).
  bool wait_ready(std::chrono::milliseconds timeout);
  void stop();

  // The cached payload of `symbol`; nullptr when none yet or unknown.
  payload_ptr latest(const std::string& symbol) const;
  quote_hub_stats stats() const;

  struct session;  // one WebSocket client, defined in quote_hub.cpp

 private:
  std::optional<std::uint32_t> index_of(std::string_view symbol) const;
  void on_message(std::string_view channel, std::string_view payload);
  // Stores `payload` as the newest for `idx` and queues it to every interested client.
  void deliver(std::uint32_t idx, payload_ptr payload);
  bool load_snapshot();
  void resync_loop();
  // Queues `p` for `s`; true when s's writer was idle and must be started (write_next).
  bool enqueue(const std::shared_ptr<session>& s, std::uint32_t idx, payload_ptr p,
               std::chrono::steady_clock::time_point now);
  void write_next(const std::shared_ptr<session>& s);
  void count_written(std::size_t frames);
  static void on_written(std::shared_ptr<void>& owner, bool ok);
  static boost::asio::awaitable<void> close_too_slow(http::websocket_ptr ws);
  void attach(const std::shared_ptr<session>& s);
  void detach(const std::shared_ptr<session>& s);

  quote_hub_options options_;

  mutable std::mutex mutex_;  // guards the four below (never held while writing)
  std::vector<payload_ptr> latest_;
  // Connected clients; attach and detach are O(1) (a session knows its slot), so thousands
  // connecting at once do not copy the list each time. Delivery iterates an immutable copy,
  // taken again only after the list changed.
  std::vector<std::shared_ptr<session>> clients_;
  std::shared_ptr<const std::vector<std::shared_ptr<session>>> delivery_list_;
  bool clients_changed_ = false;

  std::atomic<std::uint64_t> sent_{0}, coalesced_{0}, dropped_{0}, slow_closed_{0},
      snapshot_loads_{0}, writes_{0};
  std::atomic<std::size_t> max_queue_seen_{0};

  std::unique_ptr<redis::subscriber> subscriber_;
  std::mutex resync_mutex_;
  std::condition_variable resync_cv_;
  bool stopping_ = false;
  std::thread resync_thread_;
};

}  // namespace mc::gateway::market
