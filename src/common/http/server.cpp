// Server internals: accept loop, per-connection session coroutine, response serialisation,
// metrics, WebSocket upgrade and graceful shutdown. Responses are serialised by hand into a
// per-connection buffer (status line and headers are tiny and fixed in shape), which keeps
// Beast's fields allocation off the response path; requests are parsed with Beast.
#include "common/http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <csignal>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/http/forwarded.h"
#include "common/http/websocket_impl.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace mc::http {
namespace {

namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// First read on an idle keep-alive connection; a typical request fits in one read.
constexpr std::size_t first_read_bytes = 4096;
// After an error response we half-close and read (discarding) for a while before closing:
// closing with unread input makes the kernel send RST, which can destroy the response
// before the client reads it.
constexpr std::chrono::milliseconds close_linger{500};
constexpr std::size_t close_linger_bytes = 64 * 1024;
// Over-limit connections are answered 503 by at most this many coroutines at a time;
// beyond that they are closed without an answer.
constexpr std::size_t rejecting_max = 64;
constexpr std::chrono::milliseconds drain_poll{5};
constexpr std::size_t request_id_max_chars = 128;
constexpr std::string_view unmatched_route = "unmatched";

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > request_id_max_chars) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// 128 random bits as 32 hex digits. Ids need to be unique, not secret: a per-thread
// mt19937_64 seeded from the OS is enough and costs no syscall per request.
void new_request_id(std::string& out) {
  thread_local std::mt19937_64 rng{(std::uint64_t{std::random_device{}()} << 32) ^
                                   std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  out.resize(32);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = rng();
    for (int i = 0; i < 16; ++i, v >>= 4) out[half * 16 + i] = hex[v & 0xF];
  }
}

std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

bool body_allowed(int status) {
  return status >= 200 && status != 204 && status != 304;
}

bool reserved_header(std::string_view name) {
  return iequals(name, "content-type") || iequals(name, "content-length") ||
         iequals(name, "x-request-id") || iequals(name, "connection") ||
         iequals(name, "transfer-encoding");
}

void append_int(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_head(std::string& out, const response& r, int version, bool keep_alive,
                 std::string_view request_id) {
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_int(out, static_cast<std::uint64_t>(r.status));
  out += ' ';
  const auto reason =
      to_std(bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(r.status))));
  out += reason.starts_with('<') ? std::string_view("Unknown") : reason;
  out += "\r\n";
  if (body_allowed(r.status)) {
    if (!r.content_type.empty()) {
      out += "Content-Type: ";
      out += r.content_type;
      out += "\r\n";
    }
    out += "Content-Length: ";
    append_int(out, r.body.size());
    out += "\r\n";
  }
  out += "X-Request-ID: ";
  out += request_id;
  out += "\r\n";
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    // A CR or LF would let a value inject headers; such headers are dropped.
    if (reserved_header(name) || name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
}

// Half-close, then swallow what the client still sends for up to close_linger (see there).
net::awaitable<void> graceful_close(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(close_linger);
  std::array<char, 4096> sink;
  std::size_t total = 0;
  while (!ec && total < close_linger_bytes) {
    std::size_t n = 0;
    std::tie(ec, n) = co_await stream.async_read_some(net::buffer(sink), use_tuple);
    total += n;
  }
  stream.close();
}

struct connection {
  net::any_io_executor executor;        // the connection's strand
  beast::tcp_stream* stream = nullptr;  // null once handed over to a websocket
  std::shared_ptr<websocket> ws;
  bool idle = false;  // waiting for the first byte of the next request
};

}  // namespace

class server::impl : public std::enable_shared_from_this<impl> {
 public:
  // Listens on `accept_loop`; each accepted connection lives on the loop `next_loop` gives.
  impl(net::io_context& accept_loop, std::function<net::io_context&()> next_loop,
       server_options opts, router& r)
      : next_loop_(std::move(next_loop)),
        opts_(std::move(opts)),
        router_(r),
        acceptor_(net::make_strand(accept_loop)) {
    // One clear line for the operator: which address failed and why.
    const auto fail = [&](std::string_view step, const beast::error_code& ec) {
      throw std::runtime_error("http: cannot " + std::string(step) + " " + opts_.bind_address +
                               ":" + std::to_string(opts_.port) + ": " + ec.message());
    };
    beast::error_code ec;
    const auto address = net::ip::make_address(opts_.bind_address, ec);
    if (ec) fail("parse bind address", ec);
    const tcp::endpoint ep(address, opts_.port);
    if (acceptor_.open(ep.protocol(), ec); ec) fail("open socket for", ec);
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec)
      fail("set SO_REUSEADDR on", ec);
    if (acceptor_.bind(ep, ec); ec) fail("bind", ec);
    if (acceptor_.listen(opts_.listen_backlog, ec); ec) fail("listen on", ec);
    port_ = acceptor_.local_endpoint(ec).port();
    auto& reg = metrics::default_registry();
    if (opts_.metrics) {
      for (std::size_t i = 0; i <= router_.route_count(); ++i) {
        auto s = std::make_unique<route_stats>();
        s->label = i < router_.route_count() ? router_.pattern(i) : unmatched_route;
        s->duration = &reg.histogram("http_request_duration_seconds",
                                     "Time from a request's first byte to its response written.",
                                     {{"route", s->label}});
        stats_.push_back(std::move(s));
      }
    }
    active_ = &reg.gauge("http_connections_active", "Open HTTP and WebSocket connections.");
    rejected_ =
        &reg.counter("http_connections_rejected_total",
                     "Connections answered 503 or closed because max_connections was reached.");
  }

  void start() {
    net::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()), net::detached);
  }

  std::uint16_t port() const noexcept { return port_; }
  std::size_t connection_count() const noexcept { return connections_.load(); }

  void stop() {
    if (stopping_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
    for (auto& c : snapshot()) {
      net::post(c->executor, [c] {
        if (c->ws) {
          request_close(c->ws);
        } else if (c->idle && c->stream) {
          c->stream->cancel();
        }
      });
    }
  }

  net::awaitable<bool> shutdown() {
    auto self = shared_from_this();
    stop();
    net::steady_timer timer(co_await net::this_coro::executor);
    const auto deadline = steady::now() + opts_.drain_timeout;
    while (connections_.load() > 0 && steady::now() < deadline) {
      timer.expires_after(drain_poll);
      co_await timer.async_wait(use_tuple);
    }
    if (connections_.load() == 0) co_return true;
    mc::log::warn(
        "http drain deadline passed, closing connections",
        {{"service", opts_.service}, {"connections", std::to_string(connections_.load())}});
    for (auto& c : snapshot()) {
      net::post(c->executor, [c] {
        if (c->ws) {
          beast::error_code ec;
          c->ws->state().ws.next_layer().socket().close(ec);
        } else if (c->stream) {
          c->stream->close();
        }
      });
    }
    co_return false;
  }

 private:
  struct route_stats {
    std::string label;
    metrics::histogram* duration = nullptr;
    // Lazily filled per status code so the hot path never touches the registry lock.
    std::array<std::atomic<metrics::counter*>, 600> by_status{};
  };

  std::vector<std::shared_ptr<connection>> snapshot() {
    std::lock_guard lock(conns_mutex_);
    return {conns_.begin(), conns_.end()};
  }

  void record(std::size_t stats_index, int status, steady::time_point t0) {
    if (!opts_.metrics) return;
    // Routes added after the server was built share the "unmatched" series.
    auto& s = *stats_[std::min(stats_index, stats_.size() - 1)];
    const std::size_t code = status >= 100 && status < 600 ? static_cast<std::size_t>(status) : 0;
    auto* c = s.by_status[code].load(std::memory_order_acquire);
    if (!c) {
      c = &metrics::default_registry().counter(
          "http_requests_total", "HTTP requests answered.",
          {{"route", s.label}, {"status", std::to_string(status)}});
      s.by_status[code].store(c, std::memory_order_release);
    }
    c->inc();
    s.duration->observe(std::chrono::duration<double>(steady::now() - t0).count());
  }

  void access_log(const request& req, int status, steady::time_point t0) {
    if (!opts_.access_log) return;
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0).count();
    mc::log::info("http request", {{"method", req.method},
                                   {"path", req.path},
                                   {"status", std::to_string(status)},
                                   {"duration_us", std::to_string(us)},
                                   {"request_id", req.request_id},
                                   {"remote_ip", req.remote_ip}});
  }

  net::awaitable<void> accept_loop(std::shared_ptr<impl> self) {
    for (;;) {
      net::any_io_executor strand = net::make_strand(next_loop_());
      auto [ec, socket] = co_await acceptor_.async_accept(strand, use_tuple);
      if (ec) {
        if (stopping_.load() || ec == net::error::operation_aborted || !acceptor_.is_open()) break;
        // EMFILE and friends: back off briefly instead of spinning on the error.
        mc::log::warn("http accept failed", {{"service", opts_.service}, {"error", ec.message()}});
        net::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      if (connections_.load() >= opts_.max_connections) {
        rejected_->inc();
        if (rejecting_.load() < rejecting_max) {
          ++rejecting_;
          net::co_spawn(strand, reject(self, std::move(socket)), net::detached);
        }
        continue;  // beyond rejecting_max the socket's destructor closes it
      }
      ++connections_;
      active_->inc();
      net::co_spawn(strand, session(self, std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> reject(std::shared_ptr<impl> self, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    std::string id;
    new_request_id(id);
    const response r = error_response(503, code::service_unavailable, "too many connections", id);
    std::string head;
    append_head(head, r, 11, false, id);
    const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(r.body)};
    stream.expires_after(opts_.write_timeout);
    auto [ec, n] = co_await net::async_write(stream, bufs, use_tuple);
    if (!ec) co_await graceful_close(stream);
    --rejecting_;
  }

  net::awaitable<void> session(std::shared_ptr<impl> self, tcp::socket socket) {
    auto conn = std::make_shared<connection>();
    conn->executor = socket.get_executor();
    beast::tcp_stream stream(std::move(socket));
    conn->stream = &stream;
    {
      std::lock_guard lock(conns_mutex_);
      conns_.insert(conn);
    }
    // Runs before `stream` is destroyed, on the strand, so stop() never sees a dangling stream.
    struct unregister {
      impl* server;
      std::shared_ptr<connection> conn;
      ~unregister() {
        conn->stream = nullptr;
        conn->ws.reset();
        {
          std::lock_guard lock(server->conns_mutex_);
          server->conns_.erase(conn);
        }
        server->active_->dec();
        --server->connections_;
      }
    } guard{this, conn};

    request req;
    std::string peer_ip;
    {
      beast::error_code ec;
      const auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) peer_ip = ep.address().to_string();
    }
    req.remote_ip = peer_ip;
    beast::flat_buffer buffer;
    std::string head;
    head.reserve(256);

    for (;;) {
      if (stopping_.load()) co_return;
      if (buffer.size() == 0) {
        conn->idle = true;
        stream.expires_after(opts_.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
        conn->idle = false;
        if (ec) co_return;  // peer closed, idle timeout, or stop()
        buffer.commit(n);
      }
      const auto t0 = steady::now();

      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts_.header_limit_bytes));
      parser.body_limit(opts_.body_limit_bytes);
      stream.expires_after(opts_.read_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
      if (!ec && !parser.is_done()) {
        if (parser.get()[bhttp::field::expect] == "100-continue") {
          static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
          std::tie(ec, n) =
              co_await net::async_write(stream, net::buffer(continue_line), use_tuple);
        }
        if (!ec) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      }
      if (ec) {
        // I/O failures, timeouts and a client hanging up mid-request just drop the connection;
        // only protocol errors deserve an answer.
        const bool protocol_error =
            ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
            ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
        if (!protocol_error) co_return;
        // A body over the limit is detected from Content-Length once the head is parsed.
        const bool head_parsed = parser.is_header_done() || ec == bhttp::error::body_limit;
        const auto client_id =
            head_parsed ? to_std(parser.get()["X-Request-ID"]) : std::string_view();
        if (sane_request_id(client_id)) {
          req.request_id.assign(client_id);
        } else {
          new_request_id(req.request_id);
        }
        req.path.clear();
        req.method.clear();
        const bool too_large = ec == bhttp::error::body_limit;
        const response r =
            too_large ? error_response(413, code::payload_too_large,
                                       "request body exceeds " +
                                           std::to_string(opts_.body_limit_bytes) + " bytes",
                                       req.request_id)
                      : error_response(400, code::bad_request,
                                       "malformed HTTP request: " + ec.message(), req.request_id);
        head.clear();
        append_head(head, r, 11, false, req.request_id);
        const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(r.body)};
        stream.expires_after(opts_.write_timeout);
        auto [wec, wn] = co_await net::async_write(stream, bufs, use_tuple);
        record(stats_.empty() ? 0 : stats_.size() - 1, r.status, t0);
        access_log(req, r.status, t0);
        if (!wec) co_await graceful_close(stream);
        co_return;
      }

      auto& msg = parser.get();
      req.method.assign(msg.method_string());
      req.target.assign(msg.target());
      const std::size_t q = req.target.find('?');
      if (q == std::string::npos) {
        req.path.assign(req.target);
        req.query.clear();
      } else {
        req.path.assign(req.target, 0, q);
        req.query.assign(req.target, q + 1);
      }
      // Reusing the vector's strings keeps their capacity across keep-alive requests.
      std::size_t count = 0;
      for (auto it = msg.begin(); it != msg.end(); ++it) ++count;
      req.headers.resize(count);
      std::size_t i = 0;
      for (const auto& f : msg) {
        req.headers[i].first.assign(f.name_string());
        req.headers[i].second.assign(f.value());
        ++i;
      }
      req.body = std::move(msg.body());
      req.params.clear();
      req.version = static_cast<int>(msg.version());
      const auto client_id = to_std(msg["X-Request-ID"]);
      if (sane_request_id(client_id)) {
        req.request_id.assign(client_id);
      } else {
        new_request_id(req.request_id);
      }

      if (!opts_.trusted_proxies.empty()) {
        req.remote_ip =
            client_address(peer_ip, to_std(msg["X-Forwarded-For"]), opts_.trusted_proxies);
      }

      const bool upgrade = beast::websocket::is_upgrade(msg);
      const route_match m = router_.match(req.method, req.path, upgrade, req.params);
      std::size_t stats_index = stats_.empty() ? 0 : stats_.size() - 1;
      if (m.result != route_match::kind::not_found) stats_index = m.route_index;

      if (m.result == route_match::kind::websocket && !stopping_.load()) {
        co_await run_websocket(conn, stream, buffer, msg, req, m, stats_index, t0);
        co_return;
      }

      response res;
      switch (m.result) {
        case route_match::kind::handler:
          try {
            res = co_await (*m.http)(req);
            if (res.status < 100 || res.status > 599) {
              mc::log::error("handler returned an invalid status",
                             {{"path", req.path},
                              {"status", std::to_string(res.status)},
                              {"request_id", req.request_id}});
              res = error_response(500, code::internal_error, "internal error", req.request_id);
            }
          } catch (const std::exception& e) {
            mc::log::error(
                "handler threw",
                {{"path", req.path}, {"error", e.what()}, {"request_id", req.request_id}});
            res = error_response(500, code::internal_error, "internal error", req.request_id);
          } catch (...) {
            mc::log::error("handler threw", {{"path", req.path},
                                             {"error", "unknown exception"},
                                             {"request_id", req.request_id}});
            res = error_response(500, code::internal_error, "internal error", req.request_id);
          }
          break;
        case route_match::kind::websocket:  // only reached while stopping
          res = error_response(503, code::service_unavailable, "server is shutting down",
                               req.request_id);
          break;
        case route_match::kind::not_found:
          res = error_response(404, code::not_found, "no such resource", req.request_id);
          break;
        case route_match::kind::method_not_allowed:
          res = error_response(405, code::method_not_allowed, "method not allowed", req.request_id);
          res.headers.emplace_back("Allow", m.allow);
          break;
        case route_match::kind::upgrade_required:
          res =
              error_response(426, code::bad_request, "WebSocket upgrade required", req.request_id);
          res.headers.emplace_back("Upgrade", "websocket");
          break;
      }

      const bool keep_alive = msg.keep_alive() && !stopping_.load();
      const bool send_body = body_allowed(res.status) && req.method != "HEAD";
      head.clear();
      append_head(head, res, req.version, keep_alive, req.request_id);
      const std::array<net::const_buffer, 2> bufs{
          net::buffer(head), send_body ? net::buffer(res.body) : net::const_buffer()};
      stream.expires_after(opts_.write_timeout);
      auto [wec, wn] = co_await net::async_write(stream, bufs, use_tuple);
      record(stats_index, res.status, t0);
      access_log(req, res.status, t0);
      if (wec) co_return;
      if (!keep_alive) {
        co_await graceful_close(stream);
        co_return;
      }
    }
  }

  net::awaitable<void> run_websocket(std::shared_ptr<connection> conn, beast::tcp_stream& stream,
                                     beast::flat_buffer& buffer,
                                     bhttp::request<bhttp::string_body>& msg, request& req,
                                     const route_match& m, std::size_t stats_index,
                                     steady::time_point t0) {
    if (m.ws_auth && *m.ws_auth) {
      std::optional<response> refusal;
      try {
        refusal = co_await (*m.ws_auth)(req);
      } catch (const std::exception& e) {
        mc::log::error("websocket authorize threw",
                       {{"path", req.path}, {"error", e.what()}, {"request_id", req.request_id}});
        refusal = error_response(500, code::internal_error, "internal error", req.request_id);
      }
      if (refusal) {
        std::string head;
        append_head(head, *refusal, req.version, false, req.request_id);
        const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(refusal->body)};
        stream.expires_after(opts_.write_timeout);
        auto [ec, n] = co_await net::async_write(stream, bufs, use_tuple);
        record(stats_index, refusal->status, t0);
        access_log(req, refusal->status, t0);
        if (!ec) co_await graceful_close(stream);
        co_return;
      }
    }
    // Beast's websocket has its own timeouts; the tcp_stream's must be off from here on.
    stream.expires_never();
    auto state = std::make_unique<websocket::impl>(std::move(stream), opts_.ws_send_queue_limit);
    auto& ws = state->ws;
    beast::websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = opts_.read_timeout;
    timeouts.idle_timeout = opts_.ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    // A browser cannot send headers with a WebSocket; it may offer subprotocols instead (the
    // gateway takes its access token from one). A browser drops the connection unless the
    // server selects one of those offered, so select the client's first (its preference).
    std::string protocol;
    if (auto offered = req.header("Sec-WebSocket-Protocol")) {
      protocol.assign(offered->substr(0, offered->find(',')));
      while (!protocol.empty() && protocol.back() == ' ') protocol.pop_back();
      while (!protocol.empty() && protocol.front() == ' ') protocol.erase(0, 1);
    }
    ws.set_option(beast::websocket::stream_base::decorator(
        [id = req.request_id, protocol](beast::websocket::response_type& r) {
          r.set("X-Request-ID", id);
          if (!protocol.empty()) r.set(beast::http::field::sec_websocket_protocol, protocol);
        }));
    ws.read_message_max(opts_.ws_message_limit_bytes);
    (void)buffer;  // clients must wait for the 101 before sending frames, so nothing is buffered
    auto socket = std::make_shared<websocket>(std::move(state));
    conn->stream = nullptr;
    conn->ws = socket;

    auto [ec] = co_await socket->state().ws.async_accept(msg, use_tuple);
    record(stats_index, ec ? 400 : 101, t0);
    access_log(req, ec ? 400 : 101, t0);
    if (ec) co_return;
    if (stopping_.load()) {  // stop() ran while we were upgrading and could not see the socket
      co_await socket->close(1001, "server shutting down");
      co_return;
    }
    std::uint16_t close_code = 1000;
    try {
      co_await (*m.ws)(socket, req);
    } catch (const std::exception& e) {
      mc::log::error("websocket handler threw",
                     {{"path", req.path}, {"error", e.what()}, {"request_id", req.request_id}});
      close_code = 1011;  // internal error
    }
    if (socket->is_open()) co_await socket->close(close_code);
  }

  std::function<net::io_context&()> next_loop_;
  server_options opts_;
  router& router_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> rejecting_{0};
  std::mutex conns_mutex_;
  std::unordered_set<std::shared_ptr<connection>> conns_;
  std::vector<std::unique_ptr<route_stats>> stats_;  // by route index; last: "unmatched"
  metrics::gauge* active_ = nullptr;
  metrics::counter* rejected_ = nullptr;
};

server::server(net::io_context& ioc, server_options opts, router& r)
    : impl_(std::make_shared<impl>(
          ioc, [&ioc]() -> net::io_context& { return ioc; }, std::move(opts), r)) {
  impl_->start();
}

server::server(io::event_loops& loops, server_options opts, router& r)
    : impl_(std::make_shared<impl>(
          loops.main(), [&loops]() -> net::io_context& { return loops.next(); }, std::move(opts),
          r)) {
  impl_->start();
}

server::~server() {
  impl_->stop();
}

std::uint16_t server::port() const noexcept {
  return impl_->port();
}
void server::stop() {
  impl_->stop();
}
net::awaitable<bool> server::shutdown() {
  return impl_->shutdown();
}
std::size_t server::connection_count() const noexcept {
  return impl_->connection_count();
}

namespace {

// On SIGINT or SIGTERM: drain the server, run `after_drain`, then `stop`.
void stop_on_signal(net::signal_set& signals, net::io_context& ioc, server& srv,
                    std::function<net::awaitable<void>()> after_drain, std::function<void()> stop) {
  signals.async_wait([&ioc, &srv, after_drain, stop](const beast::error_code& ec, int signo) {
    if (ec) return;
    mc::log::info("shutdown signal received", {{"signal", std::to_string(signo)}});
    net::co_spawn(
        ioc,
        [&srv, after_drain, stop]() -> net::awaitable<void> {
          const bool drained = co_await srv.shutdown();
          mc::log::info("http server drained", {{"clean", drained ? "true" : "false"}});
          if (after_drain) {
            try {
              co_await after_drain();
            } catch (const std::exception& e) {
              mc::log::error("shutdown step failed", {{"error", e.what()}});
            }
          }
          stop();
        },
        net::detached);
  });
}

}  // namespace

int run_until_signal(net::io_context& ioc, server& srv, unsigned threads,
                     std::function<net::awaitable<void>()> after_drain) {
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  stop_on_signal(signals, ioc, srv, std::move(after_drain), [&ioc] { ioc.stop(); });
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}

int run_until_signal(io::event_loops& loops, server& srv,
                     std::function<net::awaitable<void>()> after_drain) {
  net::signal_set signals(loops.main(), SIGINT, SIGTERM);
  stop_on_signal(signals, loops.main(), srv, std::move(after_drain), [&loops] { loops.stop(); });
  loops.run();
  return 0;
}

}  // namespace mc::http
