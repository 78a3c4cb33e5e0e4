// mc::jwt::issuer: mints and checks tokens for one (key, audience, issuer, ttl) setting.
// The gateway holds one for user access tokens ("microcoin-api") and one for service calls
// to TradeLedger ("tradeledger"); TradeLedger holds the latter to verify.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/jwt/jwt.h"

namespace mc::jwt {

class issuer {
 public:
  // Throws std::invalid_argument if key or audience is empty or ttl is not positive.
  issuer(std::string key, std::string audience, std::string issuer_name, std::chrono::seconds ttl);

  // A token for `subject`, valid from now_s to now_s + ttl, with a random 128-bit jti.
  std::string mint(std::string_view subject, int64_t now_s,
                   std::map<std::string, std::string> extra = {}) const;

  // Verifies with this issuer's key, audience and issuer name.
  mc::result<claims, verify_error> verify(std::string_view token, int64_t now_s,
                                          int64_t leeway_s = leeway_s_default) const;

  const std::string& audience() const noexcept { return audience_; }
  const std::string& issuer_name() const noexcept { return issuer_name_; }
  std::chrono::seconds ttl() const noexcept { return ttl_; }

 private:
  std::string key_;
  std::string audience_;
  std::string issuer_name_;
  std::chrono::seconds ttl_;
};

}  // namespace mc::jwt
