// HTTP/1.1 + WebSocket server on Boost.Beast and C++20 coroutines. One coroutine per
// connection on its own strand; requests on a connection are handled strictly one after
// another (pipelined requests wait in the read buffer), so handlers never race per connection.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/io/event_loops.h"
#include "common/http/router.h"

namespace mc::http {

struct server_options {
  std::string service = "http";                // for log lines
  std::string bind_address = "127.0.0.1";      // services pass "0.0.0.0" from their config
  std::uint16_t port = 0;                      // 0: an ephemeral port, see server::port()
  std::size_t body_limit_bytes = 1 << 20;      // larger bodies: 413 PAYLOAD_TOO_LARGE, then close
  std::size_t header_limit_bytes = 16 * 1024;  // larger request heads: 400, then close
  // From the first byte of a request to its last; a slower client is disconnected.
  std::chrono::milliseconds read_timeout{10'000};
  // A keep-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  // Connections beyond this get "503 SERVICE_UNAVAILABLE" + Retry-After and are closed.
  std::size_t max_connections = 10'000;
  // On stop: how long in-flight requests may take before their connections are cut.
  std::chrono::milliseconds drain_timeout{10'000};
  bool access_log = true;  // one JSON line per request; benchmarks turn it off
  bool metrics = true;     // http_requests_total / http_request_duration_seconds
  int listen_backlog = 1024;
  // WebSocket: ping after half of this much silence, drop the peer after all of it.
  std::chrono::milliseconds ws_idle_timeout{30'000};
  std::size_t ws_message_limit_bytes = 64 * 1024;  // larger incoming messages close (1009)
  std::size_t ws_send_queue_limit = 1024;          // see websocket::send_text
  // Peers whose X-Forwarded-For is believed for request::remote_ip (see forwarded.h).
  std::vector<std::string> trusted_proxies;
};

class server {
 public:
  // Binds and listens at once (throws std::runtime_error naming the address if it cannot,
  // e.g. the port is taken), then accepts as soon as `ioc` runs. `r` must outlive the server's
  // connections.
  server(net::io_context& ioc, server_options opts, router& r);
  // The same, listening on loops.main() and spreading connections over the loops in turn.
  server(io::event_loops& loops, server_options opts, router& r);
  ~server();  // calls stop()
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const noexcept;

  // Thread-safe, idempotent, returns at once: stops accepting (new connections are
  // refused), closes idle keep-alive connections and WebSockets (1001), and lets requests
  // in flight finish; their connections close after the response.
  void stop();
  // stop(), then waits until every connection is gone or drain_timeout passed (then cuts
  // the rest). Returns true when everything drained in time.
  net::awaitable<bool> shutdown();

  std::size_t connection_count() const noexcept;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

// For a binary's main: runs `ioc` on `threads` threads (the caller's included) until SIGINT
// or SIGTERM, then shuts the server down gracefully, runs `after_drain` (flush outboxes,
// close pools), stops `ioc` and returns 0 for main to return.
int run_until_signal(net::io_context& ioc, server& srv, unsigned threads,
                     std::function<net::awaitable<void>()> after_drain = {});
// The same for a server on `loops`: runs every loop until the signal, then stops them all.
int run_until_signal(io::event_loops& loops, server& srv,
                     std::function<net::awaitable<void>()> after_drain = {});

}  // namespace mc::http
