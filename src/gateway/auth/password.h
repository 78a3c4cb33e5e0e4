// Password rules and argon2id hashing (libsodium's crypto_pwhash_str at the INTERACTIVE
// limits). Hashing and verifying are deliberately slow and block a thread: call them on the
// hash_pool, never on an I/O thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mc::gateway::auth {

inline constexpr std::size_t password_chars_min = 8;
// Bounds the work an attacker can ask for; far beyond any passphrase a person types.
inline constexpr std::size_t password_bytes_max = 1024;

enum class password_problem { none, too_short, too_long };

// Length rules: at least password_chars_min characters (UTF-8 code points, so a
// non-ASCII password is not penalised per byte), at most password_bytes_max bytes.
password_problem check_password(std::string_view password);

// libsodium's encoded argon2id string ("$argon2id$v=19$m=...").
// Throws std::runtime_error when libsodium cannot allocate the memory it needs.
std::string hash_password(std::string_view password);

// True when `password` matches `encoded`; false for a mismatch or a malformed hash.
bool verify_password(std::string_view encoded, std::string_view password);

// A valid hash of a random secret nobody knows, computed once per process. Logins for an
// unknown email verify against it so they take as long as a wrong password does.
const std::string& dummy_password_hash();

}  // namespace mc::gateway::auth
