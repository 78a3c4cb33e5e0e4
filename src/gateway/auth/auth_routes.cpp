// HTTP edge of auth: strict JSON in, the session body or an API error out.
#include "gateway/auth/auth_routes.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <map>
#include <string>
#include <variant>

#include "common/log/log.h"

namespace mc::gateway::auth {
namespace {

namespace json = boost::json;

using fields = std::map<std::string, std::string, std::less<>>;

// The body as one JSON object of exactly the `required` string fields; else the message of
// a 400. Unknown fields are refused too, so a typo ("pasword") is an error, not ignored.
std::variant<fields, std::string> read_strings(std::string_view body,
                                               std::initializer_list<std::string_view> required) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return std::string("malformed JSON");
  if (!doc.is_object()) return std::string("body must be a JSON object");
  fields out;
  for (const auto& kv : doc.get_object()) {
    bool known = false;
    for (auto name : required) known = known || kv.key() == name;
    if (!known) return "unknown field: " + std::string(kv.key().substr(0, 64));
    if (!kv.value().is_string()) return std::string(kv.key()) + " must be a string";
    out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  for (auto name : required) {
    if (out.find(name) == out.end()) return "missing field: " + std::string(name);
  }
  return out;
}

http::response error_for(auth_error e, const http::request& req) {
  switch (e) {
    case auth_error::invalid_email:
      return http::error_response(400, http::code::bad_request, "invalid email", req.request_id);
    case auth_error::password_too_short:
      return http::error_response(400, http::code::bad_request,
                                  "password must be at least 8 characters", req.request_id);
    case auth_error::password_too_long:
      return http::error_response(400, http::code::bad_request, "password is too long",
                                  req.request_id);
    case auth_error::email_taken:
      return http::error_response(409, "EMAIL_TAKEN", "email already registered", req.request_id);
    case auth_error::bad_credentials:
      return http::error_response(401, http::code::unauthorized, "invalid email or password",
                                  req.request_id);
    case auth_error::invalid_refresh:
      return http::error_response(401, http::code::unauthorized, "invalid refresh token",
                                  req.request_id);
    case auth_error::busy:
      return http::error_response(503, http::code::service_unavailable,
                                  "authentication is busy, retry shortly", req.request_id);
    case auth_error::internal:
      break;
  }
  return http::error_response(500, http::code::internal_error, "internal error", req.request_id);
}

http::response session_response(const auth_result& r, const http::request& req) {
  if (!r) return error_for(r.error(), req);
  json::object user{
      {"id", r->user.id}, {"email", r->user.email}, {"created_at", r->user.created_at}};
  json::object body{
      {"token", r->access_token}, {"refresh_token", r->refresh_token}, {"user", std::move(user)}};
  return http::json_response(200, json::serialize(body));
}

http::response bad_request(std::string message, const http::request& req) {
  return http::error_response(400, http::code::bad_request, message, req.request_id);
}

net::awaitable<http::response> signup(auth_service& svc, http::request& req) {
  auto in = read_strings(req.body, {"email", "password"});
  if (auto* msg = std::get_if<std::string>(&in)) co_return bad_request(*msg, req);
  auto& f = std::get<fields>(in);
  auto r = co_await svc.signup(std::move(f["email"]), std::move(f["password"]));
  co_return session_response(r, req);
}

net::awaitable<http::response> login(auth_service& svc, http::request& req) {
  auto in = read_strings(req.body, {"email", "password"});
  if (auto* msg = std::get_if<std::string>(&in)) co_return bad_request(*msg, req);
  auto& f = std::get<fields>(in);
  auto r = co_await svc.login(std::move(f["email"]), std::move(f["password"]));
  co_return session_response(r, req);
}

net::awaitable<http::response> refresh(auth_service& svc, http::request& req) {
  auto in = read_strings(req.body, {"refresh_token"});
  if (auto* msg = std::get_if<std::string>(&in)) co_return bad_request(*msg, req);
  auto r = co_await svc.refresh(std::move(std::get<fields>(in)["refresh_token"]));
  co_return session_response(r, req);
}

net::awaitable<http::response> logout(auth_service& svc, http::request& req) {
  auto in = read_strings(req.body, {"refresh_token"});
  if (auto* msg = std::get_if<std::string>(&in)) co_return bad_request(*msg, req);
  auto r = co_await svc.logout(std::move(std::get<fields>(in)["refresh_token"]));
  if (!r) co_return error_for(r.error(), req);
  co_return http::json_response(200, R"({"status":"logged_out"})");
}

using route_fn = net::awaitable<http::response> (*)(auth_service&, http::request&);

// A plain (non-coroutine) lambda, so no coroutine frame refers to a closure's captures.
http::handler bind(auth_service& svc, route_fn fn) {
  return [&svc, fn](http::request& req) { return fn(svc, req); };
}

}  // namespace

void add_auth_routes(http::router& r, auth_service& svc, const http::filter_list& filters) {
  r.add("POST", "/auth/signup", bind(svc, &signup), filters);
  r.add("POST", "/auth/login", bind(svc, &login), filters);
  r.add("POST", "/auth/refresh", bind(svc, &refresh), filters);
  r.add("POST", "/auth/logout", bind(svc, &logout), filters);
}

}  // namespace mc::gateway::auth
