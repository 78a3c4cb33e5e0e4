// WebSocket send queue and close handshake on top of beast::websocket::stream. All state is
// touched only on the connection's strand, so none of it needs a lock.
#include "common/http/websocket.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/http/websocket_impl.h"

namespace mc::http {
namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Writes after a close or a failed write are pointless; the flags make later calls cheap.
net::awaitable<void> finish_close(websocket::impl& s) {
  s.open = false;
  s.queue.clear();
  beast::websocket::close_reason reason(s.close_code);
  reason.reason = s.close_reason;
  auto [ec] = co_await s.ws.async_close(reason, use_tuple);
  (void)ec;  // the peer may already be gone; either way the connection is finished
}

// The one writer of a connection: writes `first` (which the caller keeps alive), then whatever
// was queued meanwhile, then a pending close. false when the connection broke.
net::awaitable<bool> write_then_drain(websocket::impl& s, net::const_buffer first) {
  s.writing = true;
  s.ws.text(true);
  auto [ec, n] = co_await s.ws.async_write(first, use_tuple);
  while (!ec && !s.queue.empty()) {
    std::string next = std::move(s.queue.front());
    s.queue.pop_front();
    std::tie(ec, n) = co_await s.ws.async_write(net::buffer(next), use_tuple);
  }
  s.writing = false;
  if (ec) {
    s.open = false;
    s.queue.clear();
    co_return false;
  }
  if (s.close_pending && s.open) co_await finish_close(s);
  co_return true;
}

}  // namespace

websocket::websocket(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
websocket::~websocket() = default;

net::awaitable<bool> websocket::send_text(std::string text) {
  auto& s = *impl_;
  if (!s.open || s.close_pending) co_return false;
  if (s.writing) {
    if (s.queue.size() >= s.queue_limit) co_return false;
    s.queue.push_back(std::move(text));
    co_return true;
  }
  co_return co_await write_then_drain(s, net::buffer(text));
}

net::awaitable<std::optional<std::string>> websocket::read_text() {
  auto& s = *impl_;
  s.read_buffer.clear();
  auto [ec, n] = co_await s.ws.async_read(s.read_buffer, use_tuple);
  if (ec) {
    s.open = false;
    co_return std::nullopt;
  }
  co_return beast::buffers_to_string(s.read_buffer.data());
}

net::awaitable<void> websocket::close(std::uint16_t code, std::string_view reason) {
  auto& s = *impl_;
  if (!s.open || s.close_pending) co_return;
  s.close_code = code;
  s.close_reason = reason;
  if (s.writing) {
    s.close_pending = true;  // the writer closes once the queue is flushed
    co_return;
  }
  co_await finish_close(s);
}

net::awaitable<bool> websocket::send_shared(std::shared_ptr<const std::string> text) {
  auto& s = *impl_;
  if (!s.open || s.close_pending) co_return false;
  if (s.writing) {  // rare: a send_text() of the same connection is writing; queue a copy
    if (s.queue.size() >= s.queue_limit) co_return false;
    s.queue.push_back(*text);
    co_return true;
  }
  co_return co_await write_then_drain(s, net::buffer(*text));
}

void websocket::abort() noexcept {
  auto& s = *impl_;
  s.open = false;
  beast::error_code ec;
  beast::get_lowest_layer(s.ws).socket().close(ec);
}

void websocket::set_send_buffer_size(int bytes) noexcept {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().set_option(net::socket_base::send_buffer_size(bytes),
                                                         ec);
}

bool websocket::is_open() const noexcept {
  return impl_->open;
}
std::size_t websocket::queued() const noexcept {
  return impl_->queue.size();
}
net::any_io_executor websocket::get_executor() const {
  return impl_->ws.get_executor();
}

void request_close(const std::shared_ptr<websocket>& ws) {
  net::co_spawn(
      ws->get_executor(),
      [ws]() -> net::awaitable<void> { co_await ws->close(1001, "server shutting down"); },
      net::detached);
}

}  // namespace mc::http
