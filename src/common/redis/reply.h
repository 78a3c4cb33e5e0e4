// A Redis reply as a plain value, independent of hiredis. Connection failures are replies too
// (type error, connection_error set), so callers handle one kind of outcome and nothing throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mc::redis {

enum class reply_type { nil, integer, string, status, error, array };

struct reply {
  reply_type type = reply_type::nil;
  std::int64_t integer = 0;     // reply_type::integer
  std::string str;              // string, status ("OK"), or error text ("ERR ...", "NOSCRIPT ...")
  std::vector<reply> elements;  // reply_type::array
  bool connection_error = false;  // no answer from Redis: connect/IO failure or timeout

  // False for Redis errors and connection errors.
  bool ok() const { return type != reply_type::error; }
  bool is_nil() const { return type == reply_type::nil; }

  static reply error(std::string text, bool connection = false) {
    reply r;
    r.type = reply_type::error;
    r.str = std::move(text);
    r.connection_error = connection;
    return r;
  }
};

}  // namespace mc::redis
