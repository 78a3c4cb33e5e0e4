// Internal: the Beast stream behind mc::http::websocket. Included only by .cpp files in
// src/common/http so that Beast's headers stay out of the public ones.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <memory>

#include "common/http/websocket.h"

namespace mc::http {

namespace beast = boost::beast;

struct websocket::impl {
  impl(beast::tcp_stream&& stream, std::size_t send_queue_limit)
      : ws(std::move(stream)), queue_limit(send_queue_limit) {}

  beast::websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer read_buffer;
  std::deque<std::string> queue;  // messages waiting behind the write in progress
  std::size_t queue_limit;
  bool open = true;
  bool writing = false;
  bool close_pending = false;  // close() asked for while a write was in flight
  std::uint16_t close_code = 1000;
  std::string close_reason;
};

// Server shutdown: closes with 1001 going-away unless a close is already under way.
// Must run on the websocket's executor.
void request_close(const std::shared_ptr<websocket>& ws);

}  // namespace mc::http
