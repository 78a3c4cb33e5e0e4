// Refresh-token generation and hashing.
#include "gateway/auth/refresh_token.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "common/jwt/base64url.h"

namespace mc::gateway::auth {

std::string new_refresh_token() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium: sodium_init failed");
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return jwt::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string refresh_token_hash(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

}  // namespace mc::gateway::auth
