// Token minting with a fixed key/audience/issuer/ttl; jti comes from OpenSSL's CSPRNG.
#include "common/jwt/issuer.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "common/jwt/base64url.h"

namespace mc::jwt {
namespace {

constexpr std::size_t token_id_bytes = 16;

std::string random_token_id() {
  std::array<unsigned char, token_id_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("mc::jwt: RAND_bytes failed");
  }
  return base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

issuer::issuer(std::string key, std::string audience, std::string issuer_name,
               std::chrono::seconds ttl)
    : key_(std::move(key)),
      audience_(std::move(audience)),
      issuer_name_(std::move(issuer_name)),
      ttl_(ttl) {
  if (key_.empty()) throw std::invalid_argument("mc::jwt::issuer: empty key");
  if (audience_.empty()) throw std::invalid_argument("mc::jwt::issuer: empty audience");
  if (ttl_.count() <= 0) throw std::invalid_argument("mc::jwt::issuer: ttl must be positive");
}

std::string issuer::mint(std::string_view subject, int64_t now_s,
                         std::map<std::string, std::string> extra) const {
  claims c;
  c.subject = std::string(subject);
  c.audience = audience_;
  c.issuer = issuer_name_;
  c.issued_at = now_s;
  if (__builtin_add_overflow(now_s, static_cast<int64_t>(ttl_.count()), &c.expires_at)) {
    throw std::invalid_argument("mc::jwt::issuer::mint: now + ttl overflows");
  }
  c.token_id = random_token_id();
  c.extra = std::move(extra);
  return sign(c, key_);
}

mc::result<claims, verify_error> issuer::verify(std::string_view token, int64_t now_s,
                                                int64_t leeway_s) const {
  return mc::jwt::verify(token, key_, expectations{audience_, issuer_name_, leeway_s}, now_s);
}

}  // namespace mc::jwt
