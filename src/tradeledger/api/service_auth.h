// Service-to-service auth for the internal API: callers (the gateway, tests, the benchmark)
// present a short-lived HS256 JWT with audience "tradeledger". The verifier caches tokens it
// has already checked, so the per-request cost is one hash lookup; the minter is the caller side.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/jwt/issuer.h"

namespace mc::tradeledger {

// Longest lifetime a service token may have; longer-lived tokens are refused outright.
inline constexpr std::chrono::seconds service_token_ttl_max{300};
// What service_token_minter uses unless told otherwise.
inline constexpr std::chrono::seconds service_token_ttl_default{60};

int64_t unix_now_s();

// Thread-safe. check() is called on every request from any HTTP thread.
class service_token_verifier {
 public:
  // `cache_max` bounds the verified-token map; at the limit expired entries are dropped and,
  // if it is still full, the whole map is cleared (tokens are simply verified again).
  service_token_verifier(std::string secret, std::size_t cache_max);

  // Empty when `authorization` ("Bearer <jwt>") carries a valid service token at `now_s`,
  // otherwise a short reason for the log (never shown in detail to the caller).
  std::optional<std::string> check(std::string_view authorization, int64_t now_s);

  std::size_t cache_size() const;
  std::uint64_t full_verifications() const;  // cache misses that ran the HMAC

 private:
  std::string secret_;
  std::size_t cache_max_;
  mutable std::mutex mutex_;
  // Transparent hashing: lookups by string_view, no allocation on the hot path.
  struct token_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, int64_t, token_hash, std::equal_to<>> verified_;  // token -> exp
  std::uint64_t verifications_ = 0;
};

// Mints a service token and hands out the same one until a third of its lifetime is left,
// then mints a fresh one. Thread-safe.
class service_token_minter {
 public:
  service_token_minter(std::string secret, std::string subject,
                       std::chrono::seconds ttl = service_token_ttl_default);

  std::string token(int64_t now_s);
  std::string token() { return token(unix_now_s()); }
  // "Bearer <token>", ready for the Authorization header.
  std::string authorization(int64_t now_s) { return "Bearer " + token(now_s); }
  std::string authorization() { return authorization(unix_now_s()); }

 private:
  jwt::issuer issuer_;
  std::string subject_;
  std::mutex mutex_;
  std::string token_;
  int64_t refresh_at_s_ = 0;
};

}  // namespace mc::tradeledger
