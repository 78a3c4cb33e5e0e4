// Internal: the Beast stream behind mc::http::websocket. Included only by .cpp files in
// src/common/http so that Beast's headers stay out of the public ones.
#pragma once

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/http/websocket.h"

namespace mc::http {

namespace beast = boost::beast;

// The layer under Beast's websocket stream: a tcp_stream that can append already framed
// messages to one write of Beast's. websocket::send_frames() has Beast write the first frame
// of a batch and arms the layer with the others; when Beast's write of that frame (recognised
// by where its payload ends) reaches the layer, the layer writes Beast's bytes and then the
// others' in one gather write, before it reports Beast's write done. Everything goes out
// inside Beast's write operation, under Beast's write lock, so a ping, pong or close frame of
// Beast's can never land between them. Any other write passes through untouched.
class frame_stream {
 public:
  using executor_type = beast::tcp_stream::executor_type;

  explicit frame_stream(beast::tcp_stream&& s) : next_(std::move(s)) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  beast::tcp_stream& next_layer() noexcept { return next_; }
  const beast::tcp_stream& next_layer() const noexcept { return next_; }
  beast::tcp_stream::socket_type& socket() noexcept { return next_.socket(); }

  // Arms the layer: the write whose buffers end at `after` is followed by the buffers the
  // caller puts into the returned list. They must stay valid until disarm().
  std::vector<net::const_buffer>& arm(const char* after) {
    after_ = after;
    extra_.clear();
    attached_ = false;
    return extra_;
  }
  // Ends an armed batch; true if its extra frames went out with Beast's write (false: the
  // write never reached the socket in that shape and the caller must send them otherwise).
  bool disarm() noexcept {
    const bool attached = attached_;
    after_ = nullptr;
    extra_.clear();
    combined_.clear();
    attached_ = false;
    return attached;
  }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return next_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    return next_.read_some(buffers, ec);
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    return next_.read_some(buffers);
  }
  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, beast::error_code& ec) {
    return next_.write_some(buffers, ec);
  }
  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    return next_.write_some(buffers);
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    if (after_ && !attached_ && ends_at(buffers, after_)) {
      attached_ = true;
      combined_.clear();
      std::size_t own = 0;
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
           ++it) {
        net::const_buffer b(*it);
        own += b.size();
        if (b.size()) combined_.push_back(b);
      }
      combined_.insert(combined_.end(), extra_.begin(), extra_.end());
      // All of it, then Beast hears that its own bytes (all of them) were written.
      // Straight to the socket: the tcp_stream's timeouts are off for a websocket (Beast
      // has its own), so its bookkeeping per write would buy nothing here.
      auto ex = net::get_associated_executor(handler, next_.get_executor());
      return net::async_write(
          next_.socket(), combined_,
          net::bind_executor(ex, [own, h = std::forward<WriteHandler>(handler)](
                                     beast::error_code ec, std::size_t n) mutable {
            std::move(h)(ec, ec ? std::min(n, own) : own);
          }));
    }
    return next_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  template <class ConstBufferSequence>
  static bool ends_at(const ConstBufferSequence& buffers, const char* after) {
    const char* end = nullptr;
    for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
         ++it) {
      net::const_buffer b(*it);
      if (b.size()) end = static_cast<const char*>(b.data()) + b.size();
    }
    return end == after;
  }

  beast::tcp_stream next_;
  const char* after_ = nullptr;
  std::vector<net::const_buffer> extra_;
  std::vector<net::const_buffer> combined_;
  bool attached_ = false;
};

// Beast closes the TCP connection of a websocket through these (found by argument lookup).
inline void teardown(beast::role_type role, frame_stream& s, beast::error_code& ec) {
  using beast::websocket::teardown;
  teardown(role, s.next_layer(), ec);
}
template <class TeardownHandler>
void async_teardown(beast::role_type role, frame_stream& s, TeardownHandler&& handler) {
  using beast::websocket::async_teardown;
  async_teardown(role, s.next_layer(), std::forward<TeardownHandler>(handler));
}

struct websocket::impl {
  impl(beast::tcp_stream&& stream, std::size_t send_queue_limit)
      : ws(frame_stream(std::move(stream))), queue_limit(send_queue_limit) {}

  beast::websocket::stream<frame_stream> ws;
  beast::flat_buffer read_buffer;
  std::deque<std::string> queue;  // messages waiting behind the write in progress
  std::size_t queue_limit;
  bool open = true;
  bool writing = false;
  bool close_pending = false;  // close() asked for while a write was in flight
  std::uint16_t close_code = 1000;
  std::string close_reason;
  // send_frames(): the frames of the batch in flight after its first, and their headers.
  std::vector<std::shared_ptr<const std::string>> batch;
  std::string batch_headers;
};

// Server shutdown: closes with 1001 going-away unless a close is already under way.
// Must run on the websocket's executor.
void request_close(const std::shared_ptr<websocket>& ws);

}  // namespace mc::http
