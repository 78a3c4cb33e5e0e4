// The auth routes end to end against the test PostgreSQL through a real HTTP server:
// signup, login, refresh rotation, reuse detection, logout, duplicate emails, identical
// answers for a wrong email and a wrong password, and concurrent refreshes.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/pg/migrate.h"
#include "common/pg/pool.h"
#include "gateway/auth/auth_filter.h"
#include "gateway/auth/auth_routes.h"
#include "support/test_env.h"

namespace mc::gateway::auth {
namespace {

namespace json = boost::json;

struct auth_env {
  std::string url = test::fresh_database();
  // Declared first so it is destroyed last: the pools drain their jobs into it on destruction.
  net::io_context ioc;
  std::unique_ptr<pg::pool> db;
  std::unique_ptr<auth_service> svc;
  http::router routes;
  std::unique_ptr<http::server> srv;
  std::vector<std::thread> threads;

  auth_env() {
    pg::migrate(url, "gateway", test::source_path("migrations/gateway"));
    pg::pool_config pc;
    pc.url = url;
    pc.connections = 4;
    db = std::make_unique<pg::pool>(pc);
    auth_options o;
    o.jwt_secret = "integration-test-secret-0123";
    svc = std::make_unique<auth_service>(o, *db);
    add_auth_routes(routes, *svc, {});
    routes.add("GET", "/me",
               [](http::request& req) -> net::awaitable<http::response> {
                 co_return http::json_response(200, req.principal);
               },
               {require_user(svc->verifier())});
    http::server_options so;
    so.service = "test";
    so.access_log = false;
    srv = std::make_unique<http::server>(ioc, so, routes);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~auth_env() {
    srv->stop();
    ioc.stop();
    for (auto& t : threads) t.join();
  }

  http::client_result post(const std::string& path, const std::string& body) {
    auto r = http::request_blocking("127.0.0.1", srv->port(), "POST", path,
                                    {{"Content-Type", "application/json"}}, body,
                                    std::chrono::seconds(20));
    EXPECT_TRUE(r.ok) << r.error << " " << r.detail;
    return r;
  }
  http::client_result get_me(const std::string& token) {
    return http::request_blocking("127.0.0.1", srv->port(), "GET", "/me",
                                  {{"Authorization", "Bearer " + token}});
  }
};

// Moves every refresh token's expiry into the past, as time passing would.
void db_expire_all(const std::string& url) {
  pqxx::connection c(url);
  pqxx::work tx(c);
  tx.exec("UPDATE gateway.refresh_tokens SET expires_at = now() - interval '1 second'");
  tx.commit();
}

std::string creds(const std::string& email, const std::string& password) {
  return json::serialize(json::object{{"email", email}, {"password", password}});
}
std::string refresh_body(const std::string& token) {
  return json::serialize(json::object{{"refresh_token", token}});
}
json::object body_of(const http::client_result& r) {
  return json::parse(r.body).as_object();
}
std::string str(const json::object& o, std::string_view k) {
  return std::string(o.at(k).as_string());
}
std::string error_code(const http::client_result& r) {
  return str(body_of(r).at("error").as_object(), "code");
}

TEST(AuthRoutes, SignupLoginRefreshReuseLogout) {
  auth_env env;
  auto s = env.post("/auth/signup", creds(" Ann@Example.com ", "password-1"));
  ASSERT_EQ(s.status, 200) << s.body;
  auto sb = body_of(s);
  const auto& user = sb.at("user").as_object();
  EXPECT_EQ(str(user, "email"), "ann@example.com");
  EXPECT_EQ(str(user, "id").size(), 36u);
  EXPECT_EQ(str(user, "created_at").size(), 20u);  // 2026-11-28T18:41:59Z
  EXPECT_EQ(str(user, "created_at").back(), 'Z');
  EXPECT_EQ(env.get_me(str(sb, "token")).body, str(user, "id"));

  auto l = env.post("/auth/login", creds("ann@example.com", "password-1"));
  ASSERT_EQ(l.status, 200) << l.body;
  auto lb = body_of(l);
  EXPECT_EQ(str(lb.at("user").as_object(), "id"), str(user, "id"));
  const std::string r1 = str(lb, "refresh_token");

  auto f1 = env.post("/auth/refresh", refresh_body(r1));
  ASSERT_EQ(f1.status, 200) << f1.body;
  const std::string r2 = str(body_of(f1), "refresh_token");
  EXPECT_NE(r1, r2);
  EXPECT_EQ(env.get_me(str(body_of(f1), "token")).status, 200);

  auto f2 = env.post("/auth/refresh", refresh_body(r2));
  ASSERT_EQ(f2.status, 200) << f2.body;
  const std::string r3 = str(body_of(f2), "refresh_token");

  // r1 was rotated: presenting it again is reuse, and the whole family dies with it.
  auto reuse = env.post("/auth/refresh", refresh_body(r1));
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(error_code(reuse), "UNAUTHORIZED");
  EXPECT_EQ(env.post("/auth/refresh", refresh_body(r3)).status, 401);

  // The signup session is another family and still works; logout ends it, twice is fine.
  const std::string s1 = str(sb, "refresh_token");
  auto out = env.post("/auth/logout", refresh_body(s1));
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, R"({"status":"logged_out"})");
  EXPECT_EQ(env.post("/auth/logout", refresh_body(s1)).status, 200);
  EXPECT_EQ(env.post("/auth/refresh", refresh_body(s1)).status, 401);
}

TEST(AuthRoutes, DuplicateEmailVariantsAreTaken) {
  auth_env env;
  ASSERT_EQ(env.post("/auth/signup", creds("bob@example.com", "password-1")).status, 200);
  for (const char* variant : {"bob@example.com", "BOB@Example.COM", "  bob@example.com\t"}) {
    auto r = env.post("/auth/signup", creds(variant, "password-2"));
    EXPECT_EQ(r.status, 409) << variant;
    EXPECT_EQ(error_code(r), "EMAIL_TAKEN");
  }
}

TEST(AuthRoutes, BadInputIs400) {
  auth_env env;
  for (const char* body :
       {"", "not json", "[]", R"({"email":"a@b.co"})", R"({"email":1,"password":"password-1"})",
        R"({"email":"a@b.co","password":"password-1","x":"y"})"}) {
    auto r = env.post("/auth/signup", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code(r), "BAD_REQUEST");
  }
  EXPECT_EQ(env.post("/auth/signup", creds("nope", "password-1")).status, 400);
  EXPECT_EQ(env.post("/auth/signup", creds("c@example.com", "short")).status, 400);
  EXPECT_EQ(env.post("/auth/refresh", "{}").status, 400);
  EXPECT_EQ(env.post("/auth/logout", R"({"refresh_token":5})").status, 400);
}

TEST(AuthRoutes, WrongEmailAndWrongPasswordLookTheSame) {
  auth_env env;
  ASSERT_EQ(env.post("/auth/signup", creds("carol@example.com", "password-1")).status, 200);
  auto wrong_pw = env.post("/auth/login", creds("carol@example.com", "password-2"));
  auto wrong_email = env.post("/auth/login", creds("dave@example.com", "password-1"));
  ASSERT_EQ(wrong_pw.status, 401);
  ASSERT_EQ(wrong_email.status, 401);
  auto a = body_of(wrong_pw).at("error").as_object();
  auto b = body_of(wrong_email).at("error").as_object();
  a.erase("request_id");
  b.erase("request_id");
  EXPECT_EQ(json::serialize(a), json::serialize(b));
  EXPECT_EQ(str(a, "code"), "UNAUTHORIZED");
}

TEST(AuthRoutes, ConcurrentRefreshWithOneTokenSucceedsOnce) {
  auth_env env;
  auto s = env.post("/auth/signup", creds("erin@example.com", "password-1"));
  ASSERT_EQ(s.status, 200);
  const std::string token = str(body_of(s), "refresh_token");
  constexpr int callers = 6;
  std::promise<void> go;
  auto gate = go.get_future().share();
  std::vector<std::future<int>> results;
  for (int i = 0; i < callers; ++i) {
    results.push_back(std::async(std::launch::async, [&] {
      gate.wait();
      return env.post("/auth/refresh", refresh_body(token)).status;
    }));
  }
  go.set_value();
  int ok = 0;
  int unauthorized = 0;
  for (auto& f : results) {
    const int status = f.get();
    ok += status == 200;
    unauthorized += status == 401;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(unauthorized, callers - 1);
}

TEST(AuthRoutes, ExpiredRefreshTokenIsRefused) {
  auth_env env;
  auto s = env.post("/auth/signup", creds("fay@example.com", "password-1"));
  ASSERT_EQ(s.status, 200);
  db_expire_all(env.url);
  EXPECT_EQ(env.post("/auth/refresh", refresh_body(str(body_of(s), "refresh_token"))).status, 401);
}

}  // namespace
}  // namespace mc::gateway::auth
