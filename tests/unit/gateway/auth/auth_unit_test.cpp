// Unit tests of the auth building blocks: email normal form, password rules and hashing,
// access tokens (alg none, wrong key, expiry, audience), bearer parsing, hash-pool limits.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <future>

#include "common/jwt/base64url.h"
#include "common/jwt/jwt.h"
#include "gateway/auth/access_token.h"
#include "gateway/auth/auth_filter.h"
#include "gateway/auth/email.h"
#include "gateway/auth/hash_pool.h"
#include "gateway/auth/password.h"
#include "gateway/auth/refresh_token.h"

namespace mc::gateway::auth {
namespace {

TEST(AuthEmail, NormalisesCaseAndWhitespace) {
  EXPECT_EQ(normalize_email("  Ann@Example.COM\t"), "ann@example.com");
  EXPECT_EQ(normalize_email("a.b+c@sub.example.org"), "a.b+c@sub.example.org");
}

TEST(AuthEmail, RejectsImplausibleAddresses) {
  for (const char* bad :
       {"", "   ", "ann", "@example.com", "ann@", "ann@example", "a@b@c.com", "ann@.example.com",
        "ann@example.com.", "ann@exa..mple.com", "an n@example.com", "ann@exam\x01ple.com"}) {
    EXPECT_FALSE(normalize_email(bad).has_value()) << bad;
  }
  const std::string domain = "@example.com";
  EXPECT_TRUE(normalize_email(std::string(email_bytes_max - domain.size(), 'a') + domain));
  EXPECT_FALSE(normalize_email(std::string(email_bytes_max - domain.size() + 1, 'a') + domain));
}

TEST(AuthPassword, LengthRules) {
  EXPECT_EQ(check_password("1234567"), password_problem::too_short);
  EXPECT_EQ(check_password("12345678"), password_problem::none);
  // Eight characters of two bytes each are eight characters, not sixteen; seven are too few.
  EXPECT_EQ(check_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
            password_problem::too_short);
  EXPECT_EQ(check_password(std::string(password_bytes_max, 'x')), password_problem::none);
  EXPECT_EQ(check_password(std::string(password_bytes_max + 1, 'x')), password_problem::too_long);
}

TEST(AuthPassword, HashVerifyRoundTrip) {
  const std::string h = hash_password("correct horse");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "correct horse"));
  EXPECT_FALSE(verify_password(h, "correct horsE"));
  EXPECT_FALSE(verify_password("not a hash", "correct horse"));
  EXPECT_NE(hash_password("correct horse"), h);  // salted
  EXPECT_FALSE(verify_password(dummy_password_hash(), "correct horse"));
}

TEST(AuthRefreshToken, RandomAndHashed) {
  const std::string a = new_refresh_token();
  EXPECT_EQ(a.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_NE(a, new_refresh_token());
  EXPECT_EQ(refresh_token_hash(a).size(), 64u);
  EXPECT_EQ(refresh_token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

auth_options opts_at(std::int64_t now_s, std::string secret = "0123456789abcdef-secret") {
  auth_options o;
  o.jwt_secret = std::move(secret);
  o.now_s = [now_s] { return now_s; };
  return o;
}

TEST(AuthAccessToken, MintVerifyRoundTrip) {
  access_verifier v(opts_at(1'800'000'000));
  const std::string t = v.mint("6f1c2d4e-0000-4000-8000-000000000001");
  auto user = v.verify(t);
  ASSERT_TRUE(user);
  EXPECT_EQ(*user, "6f1c2d4e-0000-4000-8000-000000000001");
  auto c = jwt::verify(t, "0123456789abcdef-secret", jwt::api_audience, 1'800'000'000);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->expires_at - c->issued_at, 15 * 60);
  EXPECT_FALSE(c->token_id.empty());
}

TEST(AuthAccessToken, RejectsExpiredWrongKeyWrongAudienceAndAlgNone) {
  const std::int64_t t0 = 1'800'000'000;
  const std::string t = access_verifier(opts_at(t0)).mint("u1");
  EXPECT_EQ(access_verifier(opts_at(t0 + 15 * 60 + 10)).verify(t).error(),
            jwt::verify_error::expired);
  EXPECT_EQ(access_verifier(opts_at(t0, "another-secret-of-16")).verify(t).error(),
            jwt::verify_error::bad_signature);

  jwt::claims c{"u1", "tradeledger", "", t0, t0 + 60, "id", {}};
  EXPECT_EQ(access_verifier(opts_at(t0)).verify(jwt::sign(c, "0123456789abcdef-secret")).error(),
            jwt::verify_error::wrong_audience);

  const std::string none = jwt::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                           jwt::base64url_encode(R"({"sub":"u1","aud":"microcoin-api","exp":)" +
                                                 std::to_string(t0 + 60) + "}") +
                           ".";
  EXPECT_EQ(access_verifier(opts_at(t0)).verify(none).error(), jwt::verify_error::bad_algorithm);
}

TEST(AuthFilter, BearerParsing) {
  http::request req;
  EXPECT_FALSE(bearer_token(req));
  req.headers = {{"authorization", "bearer  abc.def.ghi "}};
  EXPECT_EQ(bearer_token(req), "abc.def.ghi");
  req.headers = {{"Authorization", "Basic abc"}};
  EXPECT_FALSE(bearer_token(req));
  req.headers = {{"Authorization", "Bearer "}};
  EXPECT_FALSE(bearer_token(req));
}

template <class T>
T run_sync(net::io_context& io, net::awaitable<T> a) {
  auto f = net::co_spawn(io, std::move(a), net::use_future);
  io.restart();
  io.run();
  return f.get();
}

TEST(AuthFilter, RequireUserSetsPrincipalOrAnswers401) {
  access_verifier v(opts_at(system_now_s()));
  auto filter = require_user(v);
  http::handler next = [](http::request& r) -> net::awaitable<http::response> {
    co_return http::json_response(200, r.principal);
  };
  net::io_context io;
  http::request req;
  req.headers = {{"Authorization", "Bearer " + v.mint("user-7")}};
  auto ok = run_sync(io, filter(req, next));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "user-7");

  http::request bad;
  bad.headers = {{"Authorization", "Bearer nope"}};
  auto denied = run_sync(io, filter(bad, next));
  EXPECT_EQ(denied.status, 401);
  EXPECT_NE(denied.body.find("UNAUTHORIZED"), std::string::npos);
  ASSERT_EQ(denied.headers.size(), 1u);
  EXPECT_EQ(denied.headers[0].second, "Bearer");
}

TEST(AuthFilter, WebSocketAcceptsQueryToken) {
  access_verifier v(opts_at(system_now_s()));
  auto authorize = require_user_ws(v);
  net::io_context io;
  http::request req;
  req.query = "token=" + v.mint("user-9");
  EXPECT_FALSE(run_sync(io, authorize(req)).has_value());
  EXPECT_EQ(req.principal, "user-9");
  http::request none;
  auto refused = run_sync(io, authorize(none));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 401);
}

TEST(AuthHashPool, SaturatedPoolAnswersBusyWithoutRunningTheJob) {
  hash_pool pool(1, 1);
  std::promise<void> started;
  std::promise<void> release;
  auto released = release.get_future().share();
  net::io_context io;
  auto blocker = net::co_spawn(io, pool.run([&] {
    started.set_value();
    released.wait();
    return 1;
  }),
                               net::use_future);
  std::thread runner([&io] { io.run(); });  // keeps io alive via the tracked work
  started.get_future().wait();              // the only worker is now occupied
  // poll() starts the coroutine, which queues its job, and returns without waiting for it.
  net::io_context io2;
  auto queued = net::co_spawn(io2, pool.run([] { return 2; }), net::use_future);
  io2.poll();
  ASSERT_EQ(pool.queued(), 1u);
  net::io_context io3;
  bool third_ran = false;
  auto third = run_sync(io3, pool.run([&] {
    third_ran = true;
    return 3;
  }));
  EXPECT_FALSE(third.has_value());  // queue (1) full: busy at once
  EXPECT_FALSE(third_ran);
  release.set_value();
  runner.join();
  EXPECT_EQ(blocker.get(), 1);
  io2.restart();
  io2.run();
  EXPECT_EQ(queued.get(), 2);
}

}  // namespace
}  // namespace mc::gateway::auth
