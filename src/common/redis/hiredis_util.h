// Internal to src/common/redis: hiredis plumbing shared by client and subscriber. Only .cpp
// files include this, so hiredis stays out of the public headers.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/redis/client.h"
#include "common/redis/reply.h"

namespace mc::redis::detail {

struct context_deleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
  void operator()(void* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

timeval to_timeval(std::chrono::milliseconds ms);

// Connects, sets the socket timeout, authenticates and selects the database. On failure
// returns null and fills `error`.
context_ptr connect(const endpoint& ep, std::chrono::milliseconds connect_timeout,
                    std::chrono::milliseconds io_timeout, std::string& error);

// Queues one command in the context's output buffer (no I/O yet).
int append(redisContext* c, const std::vector<std::string>& args);

reply convert(const redisReply* r);

// The context's error text, for logs and connection-error replies.
std::string context_error(const redisContext* c);

}  // namespace mc::redis::detail
