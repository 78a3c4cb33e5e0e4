// Beast WebSocket server over SSL, one coroutine per connection, on a private io_context.
#include "coinbase_test_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/test_env.h"

namespace mc::quotes::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct coinbase_test_server::impl {
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::vector<connection_script> scripts;
  mutable std::mutex mutex;
  std::vector<std::string> subscribes;
  std::atomic<int> connection_count{0};
  std::thread thread;

  net::awaitable<void> serve(tcp::socket socket, int index) {
    constexpr auto tuple = net::as_tuple(net::use_awaitable);
    const auto& script = scripts[std::min<size_t>(static_cast<size_t>(index), scripts.size() - 1)];
    websocket::stream<ssl::stream<beast::tcp_stream>> ws(std::move(socket), tls);
    auto [hec] = co_await ws.next_layer().async_handshake(ssl::stream_base::server, tuple);
    if (hec) co_return;
    auto [aec] = co_await ws.async_accept(tuple);
    if (aec) co_return;
    beast::flat_buffer buffer;
    auto [rec, n] = co_await ws.async_read(buffer, tuple);
    if (rec) co_return;
    {
      std::lock_guard lock(mutex);
      subscribes.push_back(beast::buffers_to_string(buffer.data()));
    }
    ws.text(true);
    net::steady_timer timer(ioc);
    for (const auto& frame : script.frames) {
      auto [wec, m] = co_await ws.async_write(net::buffer(frame), tuple);
      if (wec) co_return;
      timer.expires_after(script.gap_ms);
      co_await timer.async_wait(tuple);
    }
    if (script.drop_after) {
      beast::get_lowest_layer(ws).socket().close();  // abrupt: no close frame, no TLS shutdown
      co_return;
    }
    for (;;) {  // keep the connection until the client goes away
      buffer.clear();
      auto [ec, k] = co_await ws.async_read(buffer, tuple);
      if (ec) co_return;
    }
  }

  net::awaitable<void> accept_loop() {
    for (int index = 0;; ++index) {
      auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      ++connection_count;
      net::co_spawn(ioc, serve(std::move(socket), index), net::detached);
    }
  }
};

coinbase_test_server::coinbase_test_server(std::vector<connection_script> scripts)
    : impl_(std::make_unique<impl>()) {
  impl_->scripts = std::move(scripts);
  impl_->tls.use_certificate_chain_file(cert_file());
  impl_->tls.use_private_key_file(
      mc::test::source_path("tests/integration/quotes/certs/server.key"), ssl::context::pem);
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

coinbase_test_server::~coinbase_test_server() {
  impl_->ioc.stop();
  impl_->thread.join();
}

uint16_t coinbase_test_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string coinbase_test_server::url() const {
  return "wss://127.0.0.1:" + std::to_string(port()) + "/";
}

std::vector<std::string> coinbase_test_server::subscribe_messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->subscribes;
}

int coinbase_test_server::connections() const {
  return impl_->connection_count.load();
}

std::string coinbase_test_server::cert_file() {
  return mc::test::source_path("tests/integration/quotes/certs/server.crt");
}

}  // namespace mc::quotes::test
