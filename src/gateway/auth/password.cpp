// argon2id via libsodium.
#include "gateway/auth/password.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace mc::gateway::auth {
namespace {

// sodium_init is idempotent and thread-safe; calling it before first use is required.
void ensure_sodium() {
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("libsodium: sodium_init failed");
}

}  // namespace

password_problem check_password(std::string_view password) {
  if (password.size() > password_bytes_max) return password_problem::too_long;
  std::size_t chars = 0;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // skip continuation bytes
  }
  return chars < password_chars_min ? password_problem::too_short : password_problem::none;
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("libsodium: crypto_pwhash_str failed (out of memory)");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
  ensure_sodium();
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES.
  if (encoded.size() >= crypto_pwhash_STRBYTES) return false;
  std::array<char, crypto_pwhash_STRBYTES> text{};
  encoded.copy(text.data(), encoded.size());
  return crypto_pwhash_str_verify(text.data(), password.data(), password.size()) == 0;
}

const std::string& dummy_password_hash() {
  static const std::string hash = [] {
    ensure_sodium();
    std::array<unsigned char, 32> secret{};
    randombytes_buf(secret.data(), secret.size());
    return hash_password(
        std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
  }();
  return hash;
}

}  // namespace mc::gateway::auth
