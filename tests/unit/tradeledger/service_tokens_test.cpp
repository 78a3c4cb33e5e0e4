// Service-token verification (with its cache) and minting, at injected times.
#include <gtest/gtest.h>

#include <string>

#include "common/jwt/jwt.h"
#include "tradeledger/api/service_auth.h"

namespace mc::tradeledger {
namespace {

constexpr const char* secret = "unit-test-service-secret-0123456789";
constexpr int64_t now = 1'800'000'000;

std::string bearer(std::string_view key, std::string_view aud, int64_t iat, int64_t exp) {
  jwt::claims c;
  c.subject = "gateway";
  c.audience = std::string(aud);
  c.issued_at = iat;
  c.expires_at = exp;
  return "Bearer " + jwt::sign(c, key);
}

TEST(ServiceTokens, VerifiesOnceThenHitsTheCache) {
  service_token_verifier v(secret, 8);
  const std::string good = bearer(secret, "tradeledger", now, now + 60);
  EXPECT_FALSE(v.check(good, now));
  EXPECT_FALSE(v.check(good, now + 1));
  EXPECT_FALSE(v.check(good, now + 30));
  EXPECT_EQ(v.full_verifications(), 1u);
  EXPECT_EQ(v.cache_size(), 1u);
  // A cached token still expires.
  EXPECT_TRUE(v.check(good, now + 60 + jwt::leeway_s_default));
  EXPECT_EQ(v.cache_size(), 0u);
}

TEST(ServiceTokens, RefusesBadTokens) {
  service_token_verifier v(secret, 8);
  EXPECT_TRUE(v.check("", now));
  EXPECT_TRUE(v.check("Bearer", now));
  EXPECT_TRUE(v.check("bearer " + bearer(secret, "tradeledger", now, now + 60).substr(7), now));
  EXPECT_TRUE(v.check(bearer("another-key-another-key-1234", "tradeledger", now, now + 60), now));
  EXPECT_TRUE(v.check(bearer(secret, "microcoin-api", now, now + 60), now));
  EXPECT_TRUE(v.check(bearer(secret, "tradeledger", now - 100, now - 50), now));
  EXPECT_TRUE(v.check(bearer(secret, "tradeledger", now, now + 301 + jwt::leeway_s_default), now));
  EXPECT_TRUE(v.check("Bearer " + std::string(9000, 'a'), now));
  EXPECT_EQ(v.cache_size(), 0u);
}

TEST(ServiceTokens, CacheStaysBounded) {
  service_token_verifier v(secret, 4);
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(v.check(bearer(secret, "tradeledger", now + i, now + i + 60), now + i));
    EXPECT_LE(v.cache_size(), 4u);
  }
}

TEST(ServiceTokens, MinterReusesThenRefreshesBeforeExpiry) {
  service_token_minter m(secret, "gateway", std::chrono::seconds(60));
  service_token_verifier v(secret, 8);
  const std::string t1 = m.token(now);
  EXPECT_EQ(m.token(now + 10), t1);
  EXPECT_EQ(m.token(now + 39), t1);
  const std::string t2 = m.token(now + 40);  // a third of the lifetime left: refresh
  EXPECT_NE(t2, t1);
  EXPECT_FALSE(v.check("Bearer " + t2, now + 40));
  EXPECT_FALSE(v.check(m.authorization(now + 41), now + 41));
}

}  // namespace
}  // namespace mc::tradeledger
