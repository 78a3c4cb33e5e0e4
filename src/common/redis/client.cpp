// Synchronous client: lazy connect, drop the connection on any I/O error so the next call
// starts clean, EVALSHA with EVAL fallback.
#include "common/redis/client.h"

#include <charconv>
#include <stdexcept>

#include "common/log/log.h"
#include "common/redis/hiredis_util.h"

namespace mc::redis {
namespace {

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

std::string percent_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    int byte = 0;
    if (in[i] == '%' && i + 2 < in.size() &&
        std::from_chars(in.data() + i + 1, in.data() + i + 3, byte, 16).ptr == in.data() + i + 3) {
      out.push_back(static_cast<char>(byte));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<endpoint> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  std::string_view rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.size() > authority.size() ? rest.substr(authority.size() + 1) : "";

  endpoint ep;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    auto colon = userinfo.find(':');
    ep.password =
        percent_decode(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    ep.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (ep.host.empty()) return std::nullopt;
  if (!port_text.empty() && (!parse_int(port_text, ep.port) || ep.port < 1 || ep.port > 65535)) {
    return std::nullopt;
  }
  if (!path.empty() && (!parse_int(path, ep.db) || ep.db < 0)) return std::nullopt;
  return ep;
}

struct client::impl {
  endpoint ep;
  client_options options;
  detail::context_ptr ctx;
  std::chrono::steady_clock::time_point next_connect_at{};
  std::string last_connect_error;

  // Returns the connection, opening it if needed; null (with `error` set) if Redis is down.
  redisContext* connection(std::string& error) {
    if (ctx) return ctx.get();
    auto now = std::chrono::steady_clock::now();
    if (now < next_connect_at) {
      error = "redis unavailable: " + last_connect_error;
      return nullptr;
    }
    ctx = detail::connect(ep, options.connect_timeout_ms, options.command_timeout_ms, error);
    if (!ctx) {
      last_connect_error = error;
      next_connect_at = now + options.reconnect_interval_ms;
      error = "redis connect failed: " + error;
      return nullptr;
    }
    return ctx.get();
  }

  // After an I/O error the stream position is unknown (a late reply could arrive), so the
  // connection cannot be reused.
  reply drop(const std::string& what) {
    std::string text = "redis " + what + ": " + detail::context_error(ctx.get());
    mc::log::warn("redis connection dropped", {{"error", text}});
    ctx.reset();
    return reply::error(std::move(text), true);
  }

  std::vector<reply> run(const std::vector<std::vector<std::string>>& cmds) {
    std::vector<reply> out;
    out.reserve(cmds.size());
    for (const auto& cmd : cmds) {
      if (cmd.empty()) {
        out.assign(cmds.size(), reply::error("ERR empty redis command"));
        return out;
      }
    }
    std::string error;
    redisContext* c = connection(error);
    if (c == nullptr) {
      out.assign(cmds.size(), reply::error(error, true));
      return out;
    }
    for (const auto& cmd : cmds) {
      if (detail::append(c, cmd) != REDIS_OK) {
        // Nothing has been sent yet (commands go out on the first redisGetReply).
        out.assign(cmds.size(), drop("append failed"));
        return out;
      }
    }
    while (out.size() < cmds.size()) {
      void* raw = nullptr;
      if (redisGetReply(c, &raw) != REDIS_OK) {
        reply failed = drop("read failed");
        while (out.size() < cmds.size()) out.push_back(failed);
        return out;
      }
      detail::reply_ptr r(static_cast<redisReply*>(raw));
      out.push_back(detail::convert(r.get()));
    }
    return out;
  }
};

client::client(const std::string& url, client_options options) : impl_(std::make_unique<impl>()) {
  auto ep = parse_url(url);
  if (!ep) throw std::invalid_argument("invalid redis URL (want redis://host:port[/db]): " + url);
  impl_->ep = std::move(*ep);
  impl_->options = options;
}

client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

reply client::command(const std::vector<std::string>& args) {
  return std::move(impl_->run({args}).front());
}

std::vector<reply> client::pipeline(const std::vector<std::vector<std::string>>& cmds) {
  if (cmds.empty()) return {};
  return impl_->run(cmds);
}

reply client::eval_script(const script& s, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args) {
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back("EVALSHA");
  cmd.push_back(s.sha1());
  cmd.push_back(std::to_string(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  reply r = command(cmd);
  if (r.type == reply_type::error && r.str.rfind("NOSCRIPT", 0) == 0) {
    cmd[0] = "EVAL";
    cmd[1] = s.source();
    r = command(cmd);
  }
  return r;
}

bool client::ping() {
  reply r = command({"PING"});
  return r.type == reply_type::status && r.str == "PONG";
}

bool client::connected() const {
  return impl_->ctx != nullptr;
}

}  // namespace mc::redis
