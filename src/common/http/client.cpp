// client_pool: keep-alive connections to one upstream, a per-request deadline on every
// step, and a single retry on a fresh connection when a reused one turns out to be dead.
#include "common/http/client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/io/event_loops.h"

namespace mc::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Room for a whole typical answer in one read: Beast reads at least 512 bytes, else what the
// buffer has free, so an unreserved buffer took a ledger answer of 521 bytes in two reads (two
// wake-ups and an epoll re-arm on the path of every call).
constexpr std::size_t read_buffer_bytes = 16 * 1024;

struct connection {
  explicit connection(const net::any_io_executor& ex) : stream(ex) {
    buffer.reserve(read_buffer_bytes);
  }
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

// A pooled connection is usable if reading would block: EOF, an error or unexpected
// bytes mean the server closed it or it is out of step. One peek that never blocks (a syscall
// per request, so not three: no toggling of the socket's blocking mode).
bool still_alive(connection& c) {
  auto& socket = c.stream.socket();
  if (!socket.is_open() || c.buffer.size() != 0) return false;
  char byte;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

client_result failure(std::string_view error, const beast::error_code& ec) {
  client_result r;
  r.ok = false;
  r.error = error;
  r.detail = ec.message();
  return r;
}

client_result io_failure(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return failure(client_error::timeout, ec);
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == bhttp::error::partial_message ||
      ec == net::error::broken_pipe) {
    return failure(client_error::connection_closed, ec);
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return failure(client_error::bad_response, ec);
  }
  return failure(client_error::io_error, ec);
}

}  // namespace

std::optional<std::string_view> client_result::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

struct client_pool::impl {
  std::string host;
  std::uint16_t port;
  std::string host_header;
  client_options opts;
  mutable std::mutex mutex;
  // Idle connections by the event loop they were made on (see event_loops.h): a request takes
  // one of its own loop's, so its answer is read on the thread that is waiting for it.
  std::unordered_map<const void*, std::vector<std::unique_ptr<connection>>> idle;  // by mutex
  std::atomic<std::uint64_t> opened{0};

  std::unique_ptr<connection> take_idle(const void* loop) {
    std::lock_guard lock(mutex);
    auto it = idle.find(loop);
    if (it == idle.end()) return nullptr;
    auto& list = it->second;
    while (!list.empty()) {
      auto c = std::move(list.back());
      list.pop_back();
      if (still_alive(*c)) return c;
    }
    return nullptr;
  }

  void give_back(const void* loop, std::unique_ptr<connection> c) {
    c->stream.expires_never();
    std::lock_guard lock(mutex);
    auto& list = idle[loop];
    if (list.size() < opts.max_idle_connections) list.push_back(std::move(c));
  }

  // Resolves (skipped for IP literals) and connects before `deadline`.
  net::awaitable<std::unique_ptr<connection>> connect(const net::any_io_executor& loop,
                                                      steady::time_point deadline,
                                                      client_result& error) {
    using namespace net::experimental::awaitable_operators;
    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (!ec) {
      endpoints.emplace_back(address, port);
    } else {
      tcp::resolver resolver(loop);
      net::steady_timer timer(loop, deadline);
      auto done = co_await (resolver.async_resolve(host, std::to_string(port), use_tuple) ||
                            timer.async_wait(use_tuple));
      if (done.index() == 1) {
        error = failure(client_error::timeout, beast::error::timeout);
        co_return nullptr;
      }
      auto [rec, results] = std::get<0>(std::move(done));
      if (rec) {
        error = failure(client_error::resolve_failed, rec);
        co_return nullptr;
      }
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    auto c = std::make_unique<connection>(loop);
    c->stream.expires_at(deadline);
    auto [cec, ep] = co_await c->stream.async_connect(endpoints, use_tuple);
    if (cec) {
      if (cec == beast::error::timeout) {
        error = failure(client_error::timeout, cec);
      } else if (cec == net::error::connection_refused) {
        error = failure(client_error::connect_refused, cec);
      } else {
        error = failure(client_error::connect_failed, cec);
      }
      co_return nullptr;
    }
    beast::error_code ignored;
    c->stream.socket().set_option(tcp::no_delay(true), ignored);
    ++opened;
    co_return c;
  }
};

client_pool::client_pool(std::string host, std::uint16_t port, client_options opts)
    : impl_(std::make_shared<impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->host_header = impl_->host + ":" + std::to_string(port);
  impl_->opts = opts;
}

client_pool::~client_pool() = default;

std::size_t client_pool::idle_count() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (const auto& [loop, list] : impl_->idle) n += list.size();
  return n;
}

std::uint64_t client_pool::connections_opened() const {
  return impl_->opened.load();
}

net::awaitable<client_result> client_pool::request(std::string method, std::string target,
                                                   header_list headers, std::string body,
                                                   std::chrono::milliseconds deadline) {
  auto self = impl_;  // the pool may be destroyed while this request runs
  const auto deadline_at = steady::now() + deadline;

  bhttp::request<bhttp::string_body> req;
  const auto verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, self->host_header);
  for (const auto& [name, value] : headers) req.insert(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  const bool may_retry_after_send = idempotent(method);
  const net::any_io_executor loop = io::loop_executor(co_await net::this_coro::executor);
  const void* loop_key = io::loop_of(loop);

  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<connection> c = attempt == 0 ? self->take_idle(loop_key) : nullptr;
    const bool reused = c != nullptr;
    if (!c) {
      client_result error;
      c = co_await self->connect(loop, deadline_at, error);
      if (!c) co_return error;
    }
    const bool can_retry = reused && attempt == 0;

    c->stream.expires_at(deadline_at);
    auto [wec, written] = co_await bhttp::async_write(c->stream, req, use_tuple);
    if (wec) {
      if (can_retry && written == 0 && wec != beast::error::timeout) continue;
      co_return io_failure(wec);
    }

    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(self->opts.header_limit_bytes));
    parser.body_limit(self->opts.body_limit_bytes);
    if (method == "HEAD") parser.skip(true);
    auto [rec, n] = co_await bhttp::async_read(c->stream, c->buffer, parser, use_tuple);
    if (rec) {
      // The server may have closed the kept-alive connection just as we sent; a request
      // that got no response byte at all was either never seen or is safe to repeat.
      const bool closed = rec == bhttp::error::end_of_stream || rec == net::error::eof ||
                          rec == net::error::connection_reset;
      if (can_retry && closed && !parser.got_some() && may_retry_after_send) continue;
      co_return io_failure(rec);
    }

    auto& msg = parser.get();
    client_result result;
    result.ok = true;
    result.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) result.headers.emplace_back(f.name_string(), f.value());
    result.body = std::move(msg.body());
    if (msg.keep_alive()) {
      self->give_back(loop_key, std::move(c));
    }
    co_return result;
  }
}

client_result request_blocking(std::string host, std::uint16_t port, std::string method,
                               std::string target, header_list headers, std::string body,
                               std::chrono::milliseconds deadline) {
  net::io_context ioc;
  client_pool pool(std::move(host), port);
  auto result = net::co_spawn(ioc,
                              pool.request(std::move(method), std::move(target), std::move(headers),
                                           std::move(body), deadline),
                              net::use_future);
  ioc.run();
  return result.get();
}

}  // namespace mc::http
