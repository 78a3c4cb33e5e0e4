// User access tokens: HS256 JWTs for audience "microcoin-api", sub = user id, with a jti.
// They are short-lived because they cannot be revoked; refresh tokens carry the session.
#pragma once

#include <string>
#include <string_view>

#include "common/jwt/issuer.h"
#include "common/money/result.h"
#include "gateway/auth/auth_options.h"

namespace mc::gateway::auth {

class access_verifier {
 public:
  // Throws std::invalid_argument for an empty secret or a non-positive ttl.
  explicit access_verifier(const auth_options& opts);

  // A token for `user_id`, valid from now for access_ttl.
  std::string mint(std::string_view user_id) const;

  // The user id of a valid token; alg none, another key, expiry and another audience fail.
  mc::result<std::string, jwt::verify_error> verify(std::string_view token) const;

 private:
  jwt::issuer issuer_;
  clock_fn now_s_;
};

}  // namespace mc::gateway::auth
