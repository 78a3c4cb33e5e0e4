// WebSocket send queue and close handshake on top of beast::websocket::stream. All state is
// touched only on the connection's strand, so none of it needs a lock.
#include "common/http/websocket.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <tuple>

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

// Ends the write in progress: what send_text() queued behind it, then a pending close. `ec`
// is how the write before ended. false when the connection broke.
net::awaitable<bool> drain_queue(websocket::impl& s, beast::error_code ec) {
  std::size_t n = 0;
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

// The one writer of a connection: writes `first` (which the caller keeps alive), then whatever
// was queued meanwhile, then a pending close. false when the connection broke.
net::awaitable<bool> write_then_drain(websocket::impl& s, net::const_buffer first) {
  s.writing = true;
  s.ws.text(true);
  auto [ec, n] = co_await s.ws.async_write(first, use_tuple);
  (void)n;
  auto drain = drain_queue(s, ec);  // named: GCC 12 and temporaries in co_await
  co_return co_await std::move(drain);
}

constexpr std::size_t max_frame_header = 10;

// Writes the header of an unmasked, unfragmented text frame of `n` payload bytes (what a
// server sends: RFC 6455 5.2) into `out`; returns its length.
std::size_t text_frame_header(char* out, std::size_t n) {
  out[0] = static_cast<char>(0x81);  // FIN, text
  if (n < 126) {
    out[1] = static_cast<char>(n);
    return 2;
  }
  if (n <= 0xffff) {
    out[1] = 126;
    out[2] = static_cast<char>(n >> 8);
    out[3] = static_cast<char>(n & 0xff);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) {
    out[2 + i] = static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * (7 - i))) & 0xff);
  }
  return 10;
}

// After a batch of send_frames(): what send_text() queued meanwhile, then a pending close,
// then the caller's `done`.
net::awaitable<void> drain_then_done(websocket::impl& s, std::shared_ptr<void> owner,
                                     websocket::frames_done done) {
  auto drain = drain_queue(s, beast::error_code{});
  const bool ok = co_await std::move(drain);
  done(owner, ok);
}

// Completion of send_frames()'s write, on the strand.
struct frames_written {
  websocket::impl* s;
  std::shared_ptr<void> owner;
  websocket::frames_done done;
  bool raw;  // the remainder of write_frames(), not Beast's write with frames appended

  void operator()(beast::error_code ec, std::size_t) {
    auto& st = *s;
    const bool attached = raw || st.ws.next_layer().disarm();
    if (!ec && !attached && st.batch.size() > 1) {
      // Beast's write never reached the socket in the shape the layer waits for (it cannot
      // with an unmasked server frame, but if it did): the others go the ordinary way.
      for (std::size_t i = st.batch.size(); i-- > 1;) st.queue.push_front(*st.batch[i]);
    }
    st.batch.clear();
    if (ec) {
      st.writing = false;
      st.open = false;
      st.queue.clear();
      done(owner, false);
      return;
    }
    if (!st.queue.empty() || st.close_pending) {
      net::co_spawn(st.ws.get_executor(), drain_then_done(st, std::move(owner), done),
                    net::detached);
      return;
    }
    st.writing = false;
    done(owner, true);
  }
};

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

bool websocket::send_frames(std::span<const std::shared_ptr<const std::string>> frames,
                            std::shared_ptr<void> owner, frames_done done) {
  auto& s = *impl_;
  const auto finish_later = [&](bool ok) {
    net::post(s.ws.get_executor(),
              [owner = std::move(owner), done, ok]() mutable { done(owner, ok); });
    return false;
  };
  // Beast's is_open() is false once a close frame went out (also Beast's own reply to the
  // peer's close): no data frame may follow it.
  if (!s.open || s.close_pending || !s.ws.is_open()) return finish_later(false);
  if (frames.empty()) return true;
  if (s.writing) {  // rare: a send_text() of the same connection is writing; queue copies
    if (s.queue.size() + frames.size() > s.queue_limit) return finish_later(false);
    for (const auto& f : frames) s.queue.push_back(*f);
    return finish_later(true);
  }
  // The usual way: every frame framed here, straight onto the socket.
  s.batch_headers.resize(max_frame_header * frames.size());
  s.raw.clear();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    char* h = s.batch_headers.data() + max_frame_header * i;
    s.raw.emplace_back(h, text_frame_header(h, frames[i]->size()));
    s.raw.emplace_back(net::buffer(*frames[i]));
  }
  auto& layer = s.ws.next_layer();
  using result = frame_stream::frames_result;
  switch (layer.write_frames(s.raw, frames_written{&s, owner, done, true})) {
    case result::written:
      return true;
    case result::pending:  // the rest needs the payloads and headers until it is out
      s.writing = true;
      s.batch.assign(frames.begin(), frames.end());
      return false;
    case result::failed:
      s.open = false;
      s.queue.clear();
      return finish_later(false);
    case result::busy:
      break;
  }
  // A write of Beast's is in flight: Beast writes the first frame once it is done, and the
  // layer appends the others to that same write.
  s.writing = true;
  s.batch.assign(frames.begin(), frames.end());
  const std::string& first = *frames.front();
  auto& extra = layer.arm(first.data() + first.size());
  for (std::size_t i = 1; i < frames.size(); ++i) {
    extra.push_back(s.raw[2 * i]);
    extra.push_back(s.raw[2 * i + 1]);
  }
  s.ws.text(true);
  s.ws.async_write(net::buffer(first), frames_written{&s, std::move(owner), done, false});
  return false;
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
net::any_io_executor websocket::get_inner_executor() const {
  net::any_io_executor ex = impl_->ws.get_executor();
  if (auto* strand = ex.target<net::strand<net::io_context::executor_type>>()) {
    return strand->get_inner_executor();
  }
  return ex;
}

void request_close(const std::shared_ptr<websocket>& ws) {
  net::co_spawn(
      ws->get_executor(),
      [ws]() -> net::awaitable<void> { co_await ws->close(1001, "server shutting down"); },
      net::detached);
}

}  // namespace mc::http
