// Service-to-service auth over HTTP: only an HS256 token signed with SERVICE_JWT_SECRET, for
// audience "tradeledger", unexpired and short-lived, gets through; everything else is 401.
#include <gtest/gtest.h>

#include <string>

#include "common/jwt/base64url.h"
#include "common/jwt/jwt.h"
#include "service_support.h"

namespace mc::test::tl {
namespace {

std::string token(std::string_view key, std::string_view audience, int64_t iat, int64_t exp) {
  jwt::claims c;
  c.subject = "gateway";
  c.audience = std::string(audience);
  c.issued_at = iat;
  c.expires_at = exp;
  return jwt::sign(c, key);
}

TEST(ServiceAuth, RejectsEverythingButAValidServiceToken) {
  running_service s;
  const std::string target = "/portfolio/" + new_uuid();
  const int64_t now = tradeledger::unix_now_s();
  auto with = [&](std::string header) {
    http::header_list h;
    if (!header.empty()) h.emplace_back("Authorization", std::move(header));
    return raw_call(s.port(), "GET", target, "", std::move(h));
  };
  EXPECT_EQ(with(s.authorization()).status, 200);
  EXPECT_EQ(with("Bearer " + token(service_secret, "tradeledger", now, now + 60)).status, 200);

  const std::string alg_none =
      jwt::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
      jwt::base64url_encode(R"({"sub":"gateway","aud":"tradeledger","exp":)" +
                            std::to_string(now + 60) + "}") +
      ".";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"missing", ""},
      {"not bearer", "Basic Zm9vOmJhcg=="},
      {"empty bearer", "Bearer "},
      {"garbage", "Bearer abc.def.ghi"},
      {"wrong key",
       "Bearer " + token("another-secret-another-secret", "tradeledger", now, now + 60)},
      {"expired", "Bearer " + token(service_secret, "tradeledger", now - 600, now - 300)},
      {"wrong audience", "Bearer " + token(service_secret, "microcoin-api", now, now + 60)},
      {"too long-lived", "Bearer " + token(service_secret, "tradeledger", now, now + 3600)},
      {"alg none", "Bearer " + alg_none},
  };
  for (const auto& [name, header] : bad) {
    reply r = with(header);
    EXPECT_EQ(r.status, 401) << name << ": " << r.body;
    EXPECT_EQ(r.error_code(), "UNAUTHORIZED") << name;
  }
  // Writes are guarded too, and refused before anything is parsed or moved.
  const std::string u = new_uuid();
  reply w = raw_call(s.port(), "POST", "/topups", topup_body(u, "10"), {{"Idempotency-Key", "k1"}});
  EXPECT_EQ(w.status, 401);
  EXPECT_EQ(balance(s.get("/portfolio/" + u), "USD"), "0.00");
}

}  // namespace
}  // namespace mc::test::tl
