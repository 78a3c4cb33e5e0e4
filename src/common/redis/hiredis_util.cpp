// hiredis plumbing: connect with timeouts and AUTH/SELECT, argv commands, reply conversion.
#include "common/redis/hiredis_util.h"

namespace mc::redis::detail {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

std::string context_error(const redisContext* c) {
  if (c == nullptr) return "no connection";
  if (c->err == 0) return "connection closed";
  return c->errstr;
}

int append(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data());
}

namespace {

// Runs one command during connection set-up; returns an error text or "".
std::string setup_command(redisContext* c, const std::vector<std::string>& args) {
  if (append(c, args) != REDIS_OK) return context_error(c);
  void* raw = nullptr;
  if (redisGetReply(c, &raw) != REDIS_OK) return context_error(c);
  reply_ptr r(static_cast<redisReply*>(raw));
  if (r->type == REDIS_REPLY_ERROR) return args[0] + " failed: " + std::string(r->str, r->len);
  return "";
}

}  // namespace

context_ptr connect(const endpoint& ep, std::chrono::milliseconds connect_timeout,
                    std::chrono::milliseconds io_timeout, std::string& error) {
  context_ptr c(redisConnectWithTimeout(ep.host.c_str(), ep.port, to_timeval(connect_timeout)));
  if (!c) {
    error = "cannot allocate redis context";
    return nullptr;
  }
  if (c->err != 0) {
    error = c->errstr;
    return nullptr;
  }
  if (redisSetTimeout(c.get(), to_timeval(io_timeout)) != REDIS_OK) {
    error = context_error(c.get());
    return nullptr;
  }
  if (!ep.password.empty()) {
    error = setup_command(c.get(), {"AUTH", ep.password});
    if (!error.empty()) return nullptr;
  }
  if (ep.db != 0) {
    error = setup_command(c.get(), {"SELECT", std::to_string(ep.db)});
    if (!error.empty()) return nullptr;
  }
  return c;
}

reply convert(const redisReply* r) {
  reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = reply_type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = reply_type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = reply_type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = reply_type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = reply_type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = reply_type::nil;
      break;
  }
  return out;
}

}  // namespace mc::redis::detail
