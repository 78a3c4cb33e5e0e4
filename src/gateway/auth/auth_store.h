// The gateway.users and gateway.refresh_tokens SQL. Each function is one transaction on a
// pool connection (blocking: call inside pg::pool::run). Outcomes are values; pqxx errors
// (database down, timeouts) are thrown.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace mc::gateway::auth {

struct user_record {
  std::string id;
  std::string email;
  std::string created_at;  // RFC 3339 UTC, whole seconds: "2026-11-28T18:41:59Z"
};

// Creates the user and a first refresh token (new family); nullopt if the email is taken.
std::optional<user_record> insert_user(pqxx::connection& c, const std::string& email,
                                       const std::string& password_hash,
                                       const std::string& refresh_hash,
                                       std::chrono::seconds refresh_ttl);

struct credentials {
  user_record user;
  std::string password_hash;
};
std::optional<credentials> find_credentials(pqxx::connection& c, const std::string& email);

// Starts a new refresh-token family for a login.
void insert_family(pqxx::connection& c, const std::string& user_id, const std::string& refresh_hash,
                   std::chrono::seconds refresh_ttl);

enum class rotate_outcome { rotated, unknown, expired, reused };
struct rotate_result {
  rotate_outcome outcome = rotate_outcome::unknown;
  std::optional<user_record> user;  // set when rotated
};
// Marks `old_hash` rotated and stores `new_hash` in its family, in one transaction. An
// already rotated or revoked token revokes the whole family instead (reused).
rotate_result rotate(pqxx::connection& c, const std::string& old_hash, const std::string& new_hash,
                     std::chrono::seconds refresh_ttl);

// Revokes the family of `hash`; nothing happens for an unknown token.
void revoke_family_of(pqxx::connection& c, const std::string& hash);

}  // namespace mc::gateway::auth
