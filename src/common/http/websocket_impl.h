// Internal: the Beast stream behind mc::http::websocket. Included only by .cpp files in
// src/common/http so that Beast's headers stay out of the public ones.
#pragma once

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
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
//
// The usual way is cheaper still: write_frames() puts complete frames straight on the socket,
// with no operation of Beast's, when the layer knows that no write of Beast's is in flight
// (it sees every one: each is counted until its completion). The socket usually takes all of
// it at once; a remainder is written asynchronously, and a write of Beast's that comes
// meanwhile (a ping, a pong, a close) is held back until the remainder is out. Either way the
// byte stream only ever holds whole frames, one writer's at a time.
class frame_stream {
  // Shared with the completion handlers, which may outlive the stream.
  struct deferred_write {
    virtual ~deferred_write() = default;
    virtual void run(frame_stream* stream) = 0;  // nullptr: the stream is gone
  };
  struct shared_state {
    int beast_writes = 0;      // writes of Beast's in flight (or held back)
    bool raw_pending = false;  // write_frames()' remainder is being written
    frame_stream* stream = nullptr;
    std::unique_ptr<deferred_write> held;  // a write of Beast's waiting for the remainder
  };

 public:
  using executor_type = beast::tcp_stream::executor_type;

  explicit frame_stream(beast::tcp_stream&& s)
      : next_(std::move(s)), st_(std::make_shared<shared_state>()) {
    st_->stream = this;
  }
  frame_stream(frame_stream&& o) noexcept
      : next_(std::move(o.next_)),
        after_(o.after_),
        extra_(std::move(o.extra_)),
        combined_(std::move(o.combined_)),
        attached_(o.attached_),
        st_(std::move(o.st_)) {
    if (st_) st_->stream = this;
  }
  frame_stream& operator=(frame_stream&&) = delete;
  ~frame_stream() {
    if (st_) st_->stream = nullptr;
  }

  enum class frames_result { written, pending, busy, failed };
  // Writes `buffers` (whole frames) on the socket now, unless a write of Beast's is in flight
  // (busy: nothing written; use Beast's path). written: all of it went out at once. pending:
  // the rest goes out asynchronously, then `on_rest(ec, n)` runs on the strand; `buffers`
  // must stay valid until then. failed: the connection is broken.
  template <class Handler>
  frames_result write_frames(const std::vector<net::const_buffer>& buffers, Handler&& on_rest) {
    if (st_->beast_writes > 0 || st_->raw_pending) return frames_result::busy;
    auto& sock = next_.socket();
    beast::error_code ec;
    if (!non_blocking_) {
      sock.non_blocking(true, ec);
      if (ec) return frames_result::busy;
      non_blocking_ = true;
    }
    std::size_t n = sock.write_some(buffers, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      n = 0;
    } else if (ec) {
      return frames_result::failed;
    }
    rest_.clear();
    for (const auto& b : buffers) {
      if (n >= b.size()) {
        n -= b.size();
        continue;
      }
      rest_.push_back(b + n);
      n = 0;
    }
    if (rest_.empty()) return frames_result::written;
    st_->raw_pending = true;
    net::async_write(sock, rest_,
                     [st = st_, h = std::forward<Handler>(on_rest)](beast::error_code ec,
                                                                    std::size_t n) mutable {
                       st->raw_pending = false;
                       if (auto held = std::move(st->held)) held->run(st->stream);
                       std::move(h)(ec, n);
                     });
    return frames_result::pending;
  }

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
  void async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    ++st_->beast_writes;
    // Counted until it completes, so write_frames() knows when the stream is between frames.
    auto ex = net::get_associated_executor(handler, next_.get_executor());
    auto counted = net::bind_executor(ex, [st = st_, h = std::forward<WriteHandler>(handler)](
                                              beast::error_code ec, std::size_t n) mutable {
      --st->beast_writes;
      std::move(h)(ec, n);
    });
    if (st_->raw_pending) {  // behind write_frames()' remainder
      st_->held = std::make_unique<held_write<ConstBufferSequence, decltype(counted)>>(
          buffers, std::move(counted));
      return;
    }
    start_write(buffers, std::move(counted));
  }

 private:
  template <class ConstBufferSequence, class Handler>
  struct held_write final : deferred_write {
    held_write(const ConstBufferSequence& b, Handler&& h) : buffers(b), handler(std::move(h)) {}
    void run(frame_stream* stream) override {
      if (stream) {
        stream->start_write(buffers, std::move(handler));
      } else {
        auto ex = net::get_associated_executor(handler);
        net::post(ex, [h = std::move(handler)]() mutable {
          std::move(h)(net::error::operation_aborted, 0);
        });
      }
    }
    ConstBufferSequence buffers;
    Handler handler;
  };

  template <class ConstBufferSequence, class Handler>
  void start_write(const ConstBufferSequence& buffers, Handler&& handler) {
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
      // All of it, then Beast hears that its own bytes (all of them) were written. Straight
      // to the socket: the tcp_stream's timeouts are off for a websocket (Beast has its own),
      // so its bookkeeping per write would buy nothing here.
      auto ex = net::get_associated_executor(handler, next_.get_executor());
      net::async_write(next_.socket(), combined_,
                       net::bind_executor(ex, [own, h = std::forward<Handler>(handler)](
                                                  beast::error_code ec, std::size_t n) mutable {
                         std::move(h)(ec, ec ? std::min(n, own) : own);
                       }));
      return;
    }
    next_.async_write_some(buffers, std::forward<Handler>(handler));
  }

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
  std::shared_ptr<shared_state> st_;
  bool non_blocking_ = false;
  std::vector<net::const_buffer> rest_;  // write_frames()' remainder
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
  std::vector<net::const_buffer> raw;  // headers and payloads of the batch, in order
};

// Server shutdown: closes with 1001 going-away unless a close is already under way.
// Must run on the websocket's executor.
void request_close(const std::shared_ptr<websocket>& ws);

}  // namespace mc::http
