// Internal to src/common/redis (async_client's engine): one Redis connection driven by Asio on a
// strand, shared by any number of coroutines. Requests are written back to back: everything
// submitted while a write is in flight leaves in the next write (automatic pipelining), and
// replies are matched to requests in order, as the protocol guarantees. A request costs no
// thread hand-off and, under load, a fraction of a system call.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/redis/async_client.h"
#include "common/redis/client.h"
#include "common/redis/reply.h"

namespace mc::redis::detail {

namespace net = boost::asio;

// A submitted request: `wire` holds `count` commands in RESP; complete() gets exactly `count`
// replies (connection-error replies if the connection failed first). Called on the strand.
struct pending_request {
  virtual ~pending_request() = default;
  virtual void complete(std::vector<reply> replies) = 0;
  std::string wire;
  std::size_t count = 0;
};

// RESP encoding of one command (binary-safe arguments).
std::string encode_command(const std::vector<std::string>& args);

class pipelined_connection {
 public:
  pipelined_connection(net::any_io_executor executor, endpoint ep, async_client_options options);
  ~pipelined_connection();

  // Thread-safe. The request completes on this connection's strand.
  void submit(std::unique_ptr<pending_request> request);
  // Thread-safe: fails what is queued or in flight and closes the socket.
  void close();
  // Requests submitted and not yet completed (for picking the least busy connection).
  std::size_t load() const;
  // Requests failed unrun: queue full, connection down (within the reconnect interval), closed.
  std::uint64_t rejected() const;

 private:
  struct state;  // shared with the pending I/O operations, which may outlive this handle
  std::shared_ptr<state> state_;
};

}  // namespace mc::redis::detail
