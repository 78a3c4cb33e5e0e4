// Bearer-token checks in front of routes and WebSocket upgrades.
#include "gateway/auth/auth_filter.h"

#include <string>

namespace mc::gateway::auth {
namespace {

namespace net = boost::asio;

http::response unauthorized(const http::request& req) {
  auto res = http::error_response(401, http::code::unauthorized, "missing or invalid access token",
                                  req.request_id);
  res.set_header("WWW-Authenticate", "Bearer");
  return res;
}

// Sets principal and returns true for a valid token.
bool authenticate(const access_verifier& verifier, std::string_view token, http::request& req) {
  auto user = verifier.verify(token);
  if (!user) return false;
  req.principal = std::move(*user);
  return true;
}

net::awaitable<http::response> filter_request(const access_verifier& verifier, http::request& req,
                                              const http::handler& next) {
  req.principal.clear();  // never trust a principal set before this filter
  auto token = bearer_token(req);
  if (!token || !authenticate(verifier, *token, req)) co_return unauthorized(req);
  co_return co_await next(req);
}

// Browsers: new WebSocket(url, ["microcoin.v1", "bearer." + token]); the server selects the
// first offered protocol, so the token is never echoed.
std::optional<std::string_view> protocol_token(const http::request& req) {
  auto h = req.header("Sec-WebSocket-Protocol");
  if (!h) return std::nullopt;
  constexpr std::string_view prefix = "bearer.";
  std::string_view rest = *h;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.size() > prefix.size() && item.substr(0, prefix.size()) == prefix) {
      return item.substr(prefix.size());
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

net::awaitable<std::optional<http::response>> authorize_upgrade(const access_verifier& verifier,
                                                                http::request& req) {
  req.principal.clear();
  std::optional<std::string> token;
  if (auto b = bearer_token(req)) {
    token = std::string(*b);
  } else if (auto p = protocol_token(req)) {
    token = std::string(*p);
  } else {
    // Kept for existing clients; a URL may end up in a proxy's log, so the console does not.
    token = req.find_query_param("token");
  }
  if (!token || !authenticate(verifier, *token, req)) co_return unauthorized(req);
  co_return std::nullopt;
}

}  // namespace

std::optional<std::string_view> bearer_token(const http::request& req) {
  auto h = req.header("Authorization");
  if (!h) return std::nullopt;
  constexpr std::string_view scheme = "bearer ";
  if (h->size() <= scheme.size() || !http::iequals(h->substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  std::string_view token = h->substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

http::filter require_user(const access_verifier& verifier) {
  return [&verifier](http::request& req, const http::handler& next) {
    return filter_request(verifier, req, next);
  };
}

http::ws_authorize require_user_ws(const access_verifier& verifier) {
  return [&verifier](http::request& req) { return authorize_upgrade(verifier, req); };
}

}  // namespace mc::gateway::auth
