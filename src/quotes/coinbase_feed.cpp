// Beast WebSocket over an SSL stream. One coroutine owns the connection: connect, handshake,
// subscribe, read until an error or idle timeout, then back off and start over.
#include "quotes/coinbase_feed.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>

#include <random>
#include <stdexcept>

#include "common/log/log.h"
#include "quotes/backoff.h"
#include "quotes/coinbase_message.h"
#include "quotes/trade_gap_tracker.h"

namespace mc::quotes {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using ws_stream = websocket::stream<ssl::stream<beast::tcp_stream>>;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct ws_endpoint {
  std::string host;
  std::string port;
  std::string target;
};

ws_endpoint parse_ws_url(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "wss" || parsed->host().empty()) {
    throw std::invalid_argument("coinbase feed URL must be wss://host[:port][/path]: " + url);
  }
  ws_endpoint ep;
  ep.host = parsed->host();
  ep.port = parsed->has_port() ? std::string(parsed->port()) : "443";
  ep.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) ep.target += "?" + std::string(parsed->encoded_query());
  return ep;
}

}  // namespace

struct coinbase_feed::impl {
  net::any_io_executor executor;
  coinbase_config config;
  std::vector<std::string> symbols;
  ws_endpoint endpoint;
  ssl::context tls{ssl::context::tls_client};
  net::steady_timer retry_timer;
  ws_stream* current = nullptr;  // the live connection, for stop() to close
  bool stopped = false;

  impl(net::any_io_executor ex, coinbase_config c, std::vector<std::string> s)
      : executor(ex),
        config(std::move(c)),
        symbols(std::move(s)),
        endpoint(parse_ws_url(config.url)),
        retry_timer(ex) {
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (config.insecure_skip_verify) {
      tls.set_verify_mode(ssl::verify_none);
      return;
    }
    boost::system::error_code ec;
    tls.set_default_verify_paths(ec);  // best effort: a CA file alone is enough
    if (!config.ca_file.empty()) {
      tls.load_verify_file(config.ca_file, ec);
      if (ec)
        throw std::invalid_argument("cannot load CA file " + config.ca_file + ": " + ec.message());
    }
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_verify_callback(ssl::host_name_verification(endpoint.host));
  }

  // One connection from resolve to the first error. Returns why it ended.
  net::awaitable<std::string> session(feed_sink& sink, bool reconnect, backoff& retry,
                                      trade_gap_tracker& gaps) {
    tcp::resolver resolver(executor);
    auto [rec, results] = co_await resolver.async_resolve(endpoint.host, endpoint.port, use_tuple);
    if (rec) co_return "resolve: " + rec.message();
    if (stopped) co_return "stopped";

    ws_stream ws(executor, tls);
    current = &ws;
    struct clear_current {
      impl* self;
      ~clear_current() { self->current = nullptr; }
    } guard{this};

    auto& tcp_layer = beast::get_lowest_layer(ws);
    tcp_layer.expires_after(config.connect_timeout_ms);
    auto [cec, ep] = co_await tcp_layer.async_connect(results, use_tuple);
    if (cec) co_return "connect: " + cec.message();
    (void)ep;
    // SNI: the venue's load balancer picks the certificate by host name.
    if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), endpoint.host.c_str())) {
      co_return "SNI could not be set";
    }
    tcp_layer.expires_after(config.connect_timeout_ms);
    auto [hec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) co_return "tls handshake: " + hec.message();

    tcp_layer.expires_never();  // the websocket's own timeouts take over
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = config.connect_timeout_ms;
    timeouts.idle_timeout = config.idle_timeout_ms;  // heartbeats arrive every second
    timeouts.keep_alive_pings = false;
    ws.set_option(timeouts);
    ws.read_message_max(frame_bytes_max);
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "microcoin-quotes");
    }));
    std::string host_header = endpoint.host;
    if (endpoint.port != "443") host_header += ":" + endpoint.port;
    auto [wec] = co_await ws.async_handshake(host_header, endpoint.target, use_tuple);
    if (wec) co_return "websocket handshake: " + wec.message();

    ws.text(true);
    auto [sec, sent] =
        co_await ws.async_write(net::buffer(make_subscribe_message(symbols)), use_tuple);
    if (sec) co_return "subscribe: " + sec.message();
    (void)sent;
    log::info("coinbase feed connected",
              {{"host", endpoint.host}, {"reconnect", reconnect ? "true" : "false"}});
    sink.on_connected(reconnect);

    beast::flat_buffer buffer;
    while (!stopped) {
      buffer.clear();
      auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
      if (ec) co_return "read: " + ec.message();
      (void)n;
      auto received = std::chrono::floor<std::chrono::microseconds>(clock::now());
      std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
      auto msg = parse_coinbase_message(text, feed_source::coinbase, received);
      if (auto* t = std::get_if<coinbase_ticker>(&msg)) {
        retry.reset();  // data flows: the next outage starts from the shortest wait
        if (t->trade_id) {
          if (auto missed = gaps.observe(t->q.symbol, *t->trade_id)) {
            sink.on_sequence_gap(t->q.symbol, missed);
          }
        }
        sink.on_quote(std::move(t->q));
      } else if (auto* h = std::get_if<coinbase_heartbeat>(&msg)) {
        retry.reset();
        // The heartbeat names the last trade: a jump here is tickers we never got.
        if (h->last_trade_id) {
          if (auto missed = gaps.observe(h->product_id, *h->last_trade_id)) {
            sink.on_sequence_gap(h->product_id, missed);
          }
        }
      } else if (auto* bad = std::get_if<coinbase_malformed>(&msg)) {
        sink.on_malformed(bad->detail);
      } else if (auto* err = std::get_if<coinbase_error>(&msg)) {
        // Coinbase closes the connection after an error; log it and let the read fail.
        log::warn("coinbase feed error message", {{"message", err->message}});
      }
    }
    co_return "stopped";
  }

  net::awaitable<void> run(feed_sink& sink) {
    backoff retry(config.reconnect_min_ms, config.reconnect_max_ms, std::random_device{}());
    trade_gap_tracker gaps;
    bool reconnect = false;
    while (!stopped) {
      std::string why = co_await session(sink, reconnect, retry, gaps);
      if (stopped) break;
      auto wait = retry.next();
      log::warn("coinbase feed disconnected",
                {{"reason", why}, {"retry_ms", std::to_string(wait.count())}});
      sink.on_disconnected(why);
      reconnect = true;
      retry_timer.expires_after(wait);
      auto [ec] = co_await retry_timer.async_wait(use_tuple);
      if (ec) break;
    }
  }

  void stop() {
    stopped = true;
    retry_timer.cancel();
    if (current) beast::get_lowest_layer(*current).cancel();
  }
};

coinbase_feed::coinbase_feed(net::any_io_executor executor, coinbase_config config,
                             std::vector<std::string> symbols)
    : impl_(std::make_shared<impl>(executor, std::move(config), std::move(symbols))) {}

coinbase_feed::~coinbase_feed() = default;

void coinbase_feed::start(feed_sink& sink) {
  // The lambda's copy of impl_ lives as long as the coroutine, even past this object.
  net::co_spawn(
      impl_->executor, [self = impl_, &sink] { return self->run(sink); }, net::detached);
}

void coinbase_feed::stop() {
  net::post(impl_->executor, [self = impl_] { self->stop(); });
}

}  // namespace mc::quotes
