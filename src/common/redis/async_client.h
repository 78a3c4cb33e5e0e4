// Redis for coroutines: a few connections, each driven by its own worker thread, take commands
// from one bounded queue, so I/O threads never block on Redis and concurrent coroutines do not
// queue behind one socket. Results resume the caller on its own executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/redis/client.h"
#include "common/redis/reply.h"
#include "common/redis/script.h"

namespace mc::redis {

namespace net = boost::asio;

struct async_client_options {
  // Connections and worker threads; also the number of commands in flight at once.
  std::size_t connections = 4;
  // Commands waiting for a connection. At the limit a command fails at once with a
  // connection-error reply "ERR redis queue full" rather than queueing without bound.
  std::size_t queue_max = 4096;
  // A queued command not started within this time fails unrun (connection-error reply).
  std::chrono::milliseconds queue_wait_ms{2000};
  client_options client;  // per-connection timeouts
};

struct async_client_stats {
  std::size_t queued = 0;
  std::uint64_t rejected = 0;  // failed unrun: queue full, waited too long, shutting down
};

// Thread-safe: any number of coroutines on any executors may call it at once.
class async_client {
 public:
  // Throws std::invalid_argument on a malformed URL or zero connections. Connects lazily.
  explicit async_client(const std::string& url, async_client_options options = {});
  // Finishes the queued commands, then joins the workers.
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

  async_client_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mc::redis
