// A server-side WebSocket connection handed to a ws_handler after the upgrade.
// Threading: the handler runs on the connection's strand, and every member must be called
// from coroutines running on get_executor() (co_spawn other producers onto it). On that
// strand send_text() is safe from several coroutines at once: one of them writes and the
// others queue (bounded), so there is only ever one write in flight.
// Heartbeat: the server pings after half of ws_idle_timeout of silence and drops the peer
// after a whole one, which needs a read_text() pending - keep one reader loop running.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mc::http {

namespace net = boost::asio;

class websocket {
 public:
  struct impl;  // defined in websocket_impl.h, which only the server's .cpp files include
  explicit websocket(std::unique_ptr<impl> state);
  ~websocket();
  websocket(const websocket&) = delete;
  websocket& operator=(const websocket&) = delete;

  // true: written, or queued behind the write in progress. false: the connection is
  // closed, or the send queue is at ws_send_queue_limit (the peer does not keep up).
  net::awaitable<bool> send_text(std::string text);
  // The next message (text, or binary as raw bytes); nullopt once closed or on any error.
  net::awaitable<std::optional<std::string>> read_text();
  // Sends a close frame (after queued messages). 1000 = normal, 1001 = going away.
  net::awaitable<void> close(std::uint16_t code = 1000, std::string_view reason = {});

  // For fan-out, without a coroutine per write: writes `frames` (one text message each,
  // shared, never copied), framed here (server frames are unmasked: a 2-10 byte header before
  // the payload). true: all written at once, and `done` is not called. false: done(owner, ok)
  // runs later on the strand, never inline; ok is false when the connection is closed or the
  // write failed. Usually the frames go straight onto the socket in one gather write, which
  // the socket takes at once; while a write of Beast's (a ping, a pong, a send_text) is in
  // flight they go through Beast's write lock instead, and Beast's ping, pong and close frames
  // never land between them either way (see frame_stream in websocket_impl.h).
  // Call it on the strand, not while a send_frames() of this connection is pending (the
  // caller keeps its own queue and sends the next batch from `done`). `owner` must keep this
  // websocket and the payloads alive; it is handed back to `done`. Behind a send_text() in
  // progress the frames are queued as copies.
  using frames_done = void (*)(std::shared_ptr<void>& owner, bool ok);
  bool send_frames(std::span<const std::shared_ptr<const std::string>> frames,
                   std::shared_ptr<void> owner, frames_done done);
  // Cuts the TCP connection at once, failing any write that a peer which stopped reading
  // keeps blocked (a close frame would queue behind it forever).
  void abort() noexcept;
  // The kernel's send buffer for this connection (SO_SNDBUF; Linux doubles it). A small one
  // makes a peer that does not keep up visible to the sender's own queue sooner.
  void set_send_buffer_size(int bytes) noexcept;

  bool is_open() const noexcept;
  std::size_t queued() const noexcept;
  net::any_io_executor get_executor() const;
  // The executor the strand runs on (the io_context's): for work that is not this
  // connection's, e.g. a task that starts the writes of many connections.
  net::any_io_executor get_inner_executor() const;

  impl& state() noexcept { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace mc::http
