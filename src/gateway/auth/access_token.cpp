// Access-token minting and verification over mc::jwt.
#include "gateway/auth/access_token.h"

#include <chrono>

namespace mc::gateway::auth {

std::int64_t system_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

access_verifier::access_verifier(const auth_options& opts)
    : issuer_(opts.jwt_secret, std::string(jwt::api_audience), "", opts.access_ttl),
      now_s_(opts.now_s ? opts.now_s : clock_fn(system_now_s)) {}

std::string access_verifier::mint(std::string_view user_id) const {
  return issuer_.mint(user_id, now_s_());
}

mc::result<std::string, jwt::verify_error> access_verifier::verify(std::string_view token) const {
  auto c = issuer_.verify(token, now_s_());
  if (!c) return c.error();
  return std::move(c->subject);
}

}  // namespace mc::gateway::auth
