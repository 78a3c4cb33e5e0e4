// Redis for coroutines: a few connections driven by Asio, each shared by any number of
// coroutines with automatic pipelining (see pipelined_connection.h), so I/O threads never
// block on Redis and a request costs no thread hand-off. A call without affinity goes to the
// least busy connection on the caller's event loop (else of all); results resume the caller on
// its own executor. A blocking command (BLPOP) holds its connection's later requests back, so
// give such callers connections of their own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/redis/client.h"
#include "common/redis/reply.h"
#include "common/redis/script.h"

namespace mc::redis {

namespace net = boost::asio;

struct async_client_options {
  // Connections (each pipelines any number of commands).
  std::size_t connections = 4;
  // Commands queued or unanswered per connection. At the limit a command fails at once with a
  // connection-error reply "ERR redis queue full" rather than queueing without bound.
  std::size_t queue_max = 4096;
  // A command unanswered queue_wait_ms + command_timeout_ms after it was submitted drops its
  // connection (and fails with a connection error, as does everything behind it).
  std::chrono::milliseconds queue_wait_ms{2000};
  client_options client;  // connect timeout, command timeout, reconnect interval
};

struct async_client_stats {
  std::size_t queued = 0;      // submitted and not yet answered
  std::uint64_t rejected = 0;  // failed unrun: queue full, Redis known down, shutting down
};

// Thread-safe: any number of coroutines on any executors may call it at once.
class async_client {
 public:
  // Throws std::invalid_argument on a malformed URL or zero connections. Connects lazily.
  // The connections run on `executor` (a server's io_context: no extra thread); their reads
  // keep that io_context busy until the client is destroyed, as a listening socket would…
  async_client(net::any_io_executor executor, const std::string& url,
               async_client_options options = {});
  // …or spread over event loops (at least one connection on each, see io/event_loops.h): a
  // call without affinity goes to a connection on the caller's own loop.
  async_client(const std::vector<net::any_io_executor>& loops, const std::string& url,
               async_client_options options = {});
  // …or on a thread of the client's own.
  explicit async_client(const std::string& url, async_client_options options = {});
  // Fails what is still unanswered (connection-error replies) and closes the connections.
  ~async_client();
  async_client(const async_client&) = delete;
  async_client& operator=(const async_client&) = delete;

  // Same semantics as client::command / pipeline / eval_script; never throws (errors are
  // replies). A pipeline runs on one connection, in order.
  net::awaitable<reply> command(std::vector<std::string> args);
  net::awaitable<std::vector<reply>> pipeline(std::vector<std::vector<std::string>> cmds);
  net::awaitable<reply> eval(const script& s, std::vector<std::string> keys,
                             std::vector<std::string> args);
  net::awaitable<bool> ping();

  // Ordered by key: commands given the same `affinity` (say, a hash of the key they touch) go
  // out on one connection, so Redis runs them in the order they were submitted, whichever
  // coroutine or thread submitted them. send_on() does not wait for the reply: once it
  // returns, the command is queued ahead of any later command_on() with that affinity.
  net::awaitable<reply> command_on(std::vector<std::string> args, std::size_t affinity);
  void send_on(const std::vector<std::string>& args, std::size_t affinity);
  // eval() on the connection of `affinity`, ordered as command_on() is.
  net::awaitable<reply> eval_on(const script& s, std::vector<std::string> keys,
                                std::vector<std::string> args, std::size_t affinity);

  async_client_stats stats() const;

 private:
  net::awaitable<reply> eval_via(const script& s, std::vector<std::string> keys,
                                 std::vector<std::string> args,
                                 std::optional<std::size_t> affinity);

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mc::redis
