// HTTP/1.1 client for one upstream (host, port) with a keep-alive connection pool.
// Used service-to-service (gateway → tradeledger) and by tests. Every request has a
// deadline covering connect, write and read. Safe to share between threads and coroutines;
// every io_context that calls request() must outlive the pool (idle connections are filed by
// their io_context and live on it).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/http/message.h"

namespace mc::http {

namespace net = boost::asio;

// client_result::error values: transport failures, never HTTP statuses.
namespace client_error {
inline constexpr std::string_view timeout = "timeout";                      // deadline passed
inline constexpr std::string_view resolve_failed = "resolve_failed";        // DNS
inline constexpr std::string_view connect_refused = "connect_refused";      // nothing listens
inline constexpr std::string_view connect_failed = "connect_failed";        // other connect errors
inline constexpr std::string_view connection_closed = "connection_closed";  // peer hung up
inline constexpr std::string_view io_error = "io_error";          // other read/write errors
inline constexpr std::string_view bad_response = "bad_response";  // unparsable or too large
}  // namespace client_error

struct client_result {
  bool ok = false;     // a complete response arrived (any status); false: see `error`
  std::string error;   // one of client_error, empty when ok
  std::string detail;  // the underlying error message, for logs
  int status = 0;
  std::string body;
  header_list headers;

  std::optional<std::string_view> header(std::string_view name) const;
};

struct client_options {
  std::size_t max_idle_connections = 16;   // per event loop; more idle ones are closed
  std::size_t body_limit_bytes = 8 << 20;  // larger responses: bad_response
  std::size_t header_limit_bytes = 64 * 1024;
};

// Connections are made on, and reused only by requests from, the event loop of the calling
// coroutine (see event_loops.h), so an answer is read by the thread that waits for it.
class client_pool {
 public:
  client_pool(std::string host, std::uint16_t port, client_options opts = {});
  ~client_pool();
  client_pool(const client_pool&) = delete;
  client_pool& operator=(const client_pool&) = delete;

  // Sends one request and reads the whole response within `deadline`. Host and
  // Content-Length are set here. A pooled connection found dead before use is discarded;
  // if a reused connection fails before any byte is sent — or, for idempotent methods
  // (GET, HEAD, PUT, DELETE, OPTIONS), before any response byte arrives — the request is
  // retried once on a fresh connection within the same deadline. Never throws for I/O.
  net::awaitable<client_result> request(std::string method, std::string target, header_list headers,
                                        std::string body, std::chrono::milliseconds deadline);

  std::size_t idle_count() const;
  std::uint64_t connections_opened() const;  // total, for tests and metrics

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

inline constexpr std::chrono::milliseconds blocking_default_deadline{5'000};

// Runs one request on a private io_context and waits for it. For tests and tools only.
client_result request_blocking(std::string host, std::uint16_t port, std::string method,
                               std::string target, header_list headers = {}, std::string body = {},
                               std::chrono::milliseconds deadline = blocking_default_deadline);

}  // namespace mc::http
