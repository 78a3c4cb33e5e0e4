// Service-token verification with a bounded cache of verified tokens, and the minter.
#include "tradeledger/api/service_auth.h"

#include <utility>

namespace mc::tradeledger {

namespace {
constexpr std::string_view bearer_prefix = "Bearer ";
constexpr std::string_view service_issuer = "";  // any issuer: the shared secret is the trust
}  // namespace

int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

service_token_verifier::service_token_verifier(std::string secret, std::size_t cache_max)
    : secret_(std::move(secret)), cache_max_(cache_max == 0 ? 1 : cache_max) {}

std::optional<std::string> service_token_verifier::check(std::string_view authorization,
                                                         int64_t now_s) {
  if (authorization.size() <= bearer_prefix.size() ||
      authorization.substr(0, bearer_prefix.size()) != bearer_prefix) {
    return std::string("missing bearer token");
  }
  std::string_view token = authorization.substr(bearer_prefix.size());
  if (token.size() > jwt::token_bytes_max) return std::string("token too long");
  {
    std::lock_guard lock(mutex_);
    if (auto it = verified_.find(token); it != verified_.end()) {
      if (now_s < it->second + jwt::leeway_s_default) return std::nullopt;
      verified_.erase(it);
      return std::string("expired");
    }
  }
  // Cache miss: the full HMAC check runs outside the lock.
  jwt::expectations expect{jwt::service_audience, service_issuer, jwt::leeway_s_default};
  auto verified = jwt::verify(token, secret_, expect, now_s);
  if (!verified) return std::string(jwt::to_string(verified.error()));
  const jwt::claims& c = verified.value();
  const int64_t lifetime_max_s = service_token_ttl_max.count() + jwt::leeway_s_default;
  if (c.expires_at - now_s > lifetime_max_s ||
      (c.issued_at != 0 && c.expires_at - c.issued_at > lifetime_max_s)) {
    return std::string("token lifetime above 5 minutes");
  }
  std::lock_guard lock(mutex_);
  ++verifications_;
  if (verified_.size() >= cache_max_) {
    std::erase_if(verified_,
                  [now_s](const auto& kv) { return now_s >= kv.second + jwt::leeway_s_default; });
    if (verified_.size() >= cache_max_) verified_.clear();
  }
  verified_.emplace(std::string(token), c.expires_at);
  return std::nullopt;
}

std::size_t service_token_verifier::cache_size() const {
  std::lock_guard lock(mutex_);
  return verified_.size();
}

std::uint64_t service_token_verifier::full_verifications() const {
  std::lock_guard lock(mutex_);
  return verifications_;
}

service_token_minter::service_token_minter(std::string secret, std::string subject,
                                           std::chrono::seconds ttl)
    : issuer_(std::move(secret), std::string(jwt::service_audience), "", ttl),
      subject_(std::move(subject)) {}

std::string service_token_minter::token(int64_t now_s) {
  std::lock_guard lock(mutex_);
  if (token_.empty() || now_s >= refresh_at_s_) {
    token_ = issuer_.mint(subject_, now_s);
    refresh_at_s_ = now_s + issuer_.ttl().count() * 2 / 3;
  }
  return token_;
}

}  // namespace mc::tradeledger
