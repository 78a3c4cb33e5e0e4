// Synchronous Redis client over one connection (hiredis underneath, hidden). Errors, including
// a lost connection or a timeout, come back as error replies; the next call reconnects.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/redis/reply.h"
#include "common/redis/script.h"

namespace mc::redis {

// redis://[[user]:password@]host[:port][/db]; port defaults to 6379, db to 0.
struct endpoint {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string password;
};

// Returns nullopt if `url` is not a redis:// URL of the form above.
std::optional<endpoint> parse_url(std::string_view url);

struct client_options {
  std::chrono::milliseconds connect_timeout_ms{1000};
  // Socket read/write timeout per command. A command that times out fails with a connection
  // error and the connection is dropped (its late answer must not reach the next command).
  std::chrono::milliseconds command_timeout_ms{1000};
  // After a failed connect, calls fail at once for this long instead of each paying for a new
  // attempt, so a dead Redis cannot stall a caller that hammers it (e.g. the rate limiter).
  std::chrono::milliseconds reconnect_interval_ms{100};
};

// Not thread-safe: one thread at a time (use async_client for coroutines / many threads).
class client {
 public:
  // Throws std::invalid_argument on a malformed URL (start-up). Connects lazily.
  explicit client(const std::string& url, client_options options = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;

  // One command, e.g. {"SET", key, value}. Binary-safe arguments.
  reply command(const std::vector<std::string>& args);
  // Sends all commands in one write and reads all replies; result has one reply per command.
  // On a connection failure the unanswered commands get connection-error replies (some of the
  // earlier ones may still have executed).
  std::vector<reply> pipeline(const std::vector<std::vector<std::string>>& cmds);
  // EVALSHA with the script's SHA1; on NOSCRIPT (script cache flushed, Redis restarted) falls
  // back to EVAL, which also loads the script for next time.
  reply eval_script(const script& s, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args);
  // PING answered with PONG.
  bool ping();
  // True when a connection is open (it may still turn out dead on the next command).
  bool connected() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mc::redis
