// HS256 sign/verify. Signing and signature verification go through libjwt; before libjwt
// sees a token we check its shape and that the header says HS256, and we also compare the
// HMAC ourselves in constant time so the outcome never depends on libjwt's alg handling.
#include "common/jwt/jwt.h"

#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

#include "common/jwt/base64url.h"

namespace mc::jwt {
namespace {

static_assert(sizeof(long) == sizeof(int64_t), "libjwt integer grants are `long`");

constexpr std::size_t hs256_bytes = 32;
constexpr std::array<std::string_view, 7> registered_claims = {"sub", "aud", "iss", "iat",
                                                               "exp", "nbf", "jti"};

struct jwt_deleter {
  void operator()(jwt_t* j) const noexcept { jwt_free(j); }
};
using jwt_ptr = std::unique_ptr<jwt_t, jwt_deleter>;

struct c_string_deleter {
  void operator()(char* s) const noexcept { std::free(s); }  // libjwt allocates with malloc
};

bool is_registered(std::string_view name) {
  for (auto r : registered_claims) {
    if (r == name) return true;
  }
  return false;
}

void check(int rc, const char* what) {
  if (rc != 0)
    throw std::runtime_error(std::string("libjwt: ") + what + " failed, errno " +
                             std::to_string(rc));
}

// Parses base64url(JSON object); nullopt if either layer is invalid.
std::optional<boost::json::object> decode_object(std::string_view segment) {
  const auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

enum class field_state { absent, ok, bad_type };

field_state read_int(const boost::json::object& o, std::string_view name, int64_t& out) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) return field_state::absent;
  if (!v->is_int64()) return field_state::bad_type;  // doubles and > INT64_MAX are refused
  out = v->as_int64();
  return field_state::ok;
}

field_state read_string(const boost::json::object& o, std::string_view name, std::string& out) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) return field_state::absent;
  if (!v->is_string()) return field_state::bad_type;
  out = std::string(v->as_string());
  return field_state::ok;
}

// a + b without overflow: saturates, so far-future times compare sensibly.
int64_t saturating_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (!__builtin_add_overflow(a, b, &out)) return out;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

bool hmac_matches(std::string_view signing_input, std::string_view key,
                  std::string_view signature) {
  if (signature.size() != hs256_bytes) return false;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  const unsigned char* ok = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                 reinterpret_cast<const unsigned char*>(signing_input.data()),
                                 signing_input.size(), mac.data(), &mac_len);
  return ok != nullptr && mac_len == hs256_bytes &&
         CRYPTO_memcmp(mac.data(), signature.data(), hs256_bytes) == 0;
}

}  // namespace

std::string_view to_string(verify_error e) noexcept {
  switch (e) {
    case verify_error::malformed:
      return "malformed token";
    case verify_error::bad_algorithm:
      return "algorithm not allowed";
    case verify_error::bad_signature:
      return "bad signature";
    case verify_error::missing_claim:
      return "missing claim";
    case verify_error::expired:
      return "token expired";
    case verify_error::not_yet_valid:
      return "token not yet valid";
    case verify_error::wrong_audience:
      return "wrong audience";
    case verify_error::wrong_issuer:
      return "wrong issuer";
  }
  return "unknown";
}

std::string sign(const claims& c, std::string_view key) {
  if (key.empty()) throw std::invalid_argument("mc::jwt::sign: empty key");
  for (const auto& [name, value] : c.extra) {
    if (is_registered(name))
      throw std::invalid_argument("mc::jwt::sign: extra claim '" + name + "' is registered");
  }
  jwt_t* raw = nullptr;
  check(jwt_new(&raw), "jwt_new");
  const jwt_ptr token(raw);
  check(jwt_set_alg(token.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())),
        "jwt_set_alg");
  check(jwt_add_grant(token.get(), "sub", c.subject.c_str()), "add sub");
  check(jwt_add_grant(token.get(), "aud", c.audience.c_str()), "add aud");
  if (!c.issuer.empty()) check(jwt_add_grant(token.get(), "iss", c.issuer.c_str()), "add iss");
  if (c.issued_at != 0) check(jwt_add_grant_int(token.get(), "iat", c.issued_at), "add iat");
  check(jwt_add_grant_int(token.get(), "exp", c.expires_at), "add exp");
  if (!c.token_id.empty()) check(jwt_add_grant(token.get(), "jti", c.token_id.c_str()), "add jti");
  for (const auto& [name, value] : c.extra)
    check(jwt_add_grant(token.get(), name.c_str(), value.c_str()), "add extra");

  const std::unique_ptr<char, c_string_deleter> encoded(jwt_encode_str(token.get()));
  if (!encoded) throw std::runtime_error("libjwt: jwt_encode_str failed");
  return std::string(encoded.get());
}

mc::result<claims, verify_error> verify(std::string_view token, std::string_view key,
                                        const expectations& expect, int64_t now_s) {
  // 1. Shape: three base64url segments, the first two JSON objects.
  if (token.empty() || token.size() > token_bytes_max) return verify_error::malformed;
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return verify_error::malformed;
  }
  const auto header = decode_object(token.substr(0, dot1));
  const auto payload = decode_object(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header || !payload || !signature) return verify_error::malformed;

  // 2. Algorithm, from the header, before anything trusts the token. Only HS256; "none",
  //    HS512, RS256 (key-confusion) and unknown critical extensions are all refused.
  const auto* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256")
    return verify_error::bad_algorithm;
  if (header->contains("crit")) return verify_error::bad_algorithm;

  // 3. Signature: our constant-time HMAC check, then libjwt's decode with the key, which must
  //    agree and must itself report HS256. The HMAC is already proven when libjwt runs, so a
  //    libjwt failure means it could not read the token (e.g. an integer beyond int64).
  if (key.empty() || !hmac_matches(token.substr(0, dot2), key, *signature))
    return verify_error::bad_signature;
  jwt_t* raw = nullptr;
  const std::string token_z(token);
  if (jwt_decode(&raw, token_z.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                 static_cast<int>(key.size())) != 0) {
    return verify_error::malformed;
  }
  const jwt_ptr decoded(raw);
  if (jwt_get_alg(decoded.get()) != JWT_ALG_HS256) return verify_error::bad_algorithm;

  // 4. Claims: required ones present, every registered one of the right type.
  claims out;
  int64_t not_before = 0;
  std::string issuer;
  const field_state states[] = {
      read_string(*payload, "sub", out.subject), read_int(*payload, "exp", out.expires_at),
      read_int(*payload, "iat", out.issued_at),  read_int(*payload, "nbf", not_before),
      read_string(*payload, "iss", issuer),      read_string(*payload, "jti", out.token_id),
  };
  for (auto s : states) {
    if (s == field_state::bad_type) return verify_error::malformed;
  }
  const bool has_exp = states[1] == field_state::ok;
  const bool has_nbf = states[3] == field_state::ok;
  const bool has_iat = states[2] == field_state::ok;
  const bool has_iss = states[4] == field_state::ok;
  const auto* aud = payload->if_contains("aud");
  if (!has_exp || out.subject.empty() || aud == nullptr) return verify_error::missing_claim;

  bool audience_ok = false;
  if (aud->is_string()) {
    audience_ok = aud->as_string() == expect.audience;
  } else if (aud->is_array()) {
    for (const auto& item : aud->as_array()) {
      if (!item.is_string()) return verify_error::malformed;
      audience_ok = audience_ok || item.as_string() == expect.audience;
    }
  } else {
    return verify_error::malformed;
  }
  for (const auto& [name, value] : *payload) {
    if (!is_registered(name) && value.is_string()) out.extra.emplace(name, value.as_string());
  }

  // 5. Time, with leeway for clock skew in both directions.
  if (now_s >= saturating_add(out.expires_at, expect.leeway_s)) return verify_error::expired;
  if (has_nbf && saturating_add(now_s, expect.leeway_s) < not_before)
    return verify_error::not_yet_valid;
  if (has_iat && saturating_add(now_s, expect.leeway_s) < out.issued_at)
    return verify_error::not_yet_valid;

  // 6. Audience and issuer.
  if (expect.audience.empty() || !audience_ok) return verify_error::wrong_audience;
  out.audience = std::string(expect.audience);
  if (!expect.issuer.empty() && (!has_iss || issuer != expect.issuer))
    return verify_error::wrong_issuer;
  out.issuer = std::move(issuer);
  return out;
}

mc::result<claims, verify_error> verify(std::string_view token, std::string_view key,
                                        std::string_view expected_audience, int64_t now_s,
                                        int64_t leeway_s) {
  return verify(token, key, expectations{expected_audience, {}, leeway_s}, now_s);
}

}  // namespace mc::jwt
