// SQL for users and refresh-token families.
#include "gateway/auth/auth_store.h"

namespace mc::gateway::auth {
namespace {

constexpr const char* created_at_text =
    "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

// Every change to a family (rotation, reuse revocation, logout) holds this lock, so a
// revocation cannot miss a token that a concurrent rotation is inserting into the family.
void lock_family(pqxx::work& tx, const std::string& family_id) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended('gateway.refresh:' || $1, 0))",
                 family_id);
}

std::optional<std::string> family_of(pqxx::work& tx, const std::string& hash) {
  auto r = tx.exec_params(
      "SELECT family_id::text FROM gateway.refresh_tokens WHERE token_hash = $1", hash);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void revoke_family(pqxx::work& tx, const std::string& family_id) {
  tx.exec_params(
      "UPDATE gateway.refresh_tokens SET revoked_at = now() "
      "WHERE family_id = $1::uuid AND revoked_at IS NULL",
      family_id);
}

void insert_token(pqxx::work& tx, const std::string& hash, const std::string& user_id,
                  const std::string& family_id, std::chrono::seconds ttl) {
  tx.exec_params(
      "INSERT INTO gateway.refresh_tokens (token_hash, user_id, family_id, expires_at) "
      "VALUES ($1, $2::uuid, $3::uuid, now() + make_interval(secs => $4))",
      hash, user_id, family_id, static_cast<long long>(ttl.count()));
}

}  // namespace

std::optional<user_record> insert_user(pqxx::connection& c, const std::string& email,
                                       const std::string& password_hash,
                                       const std::string& refresh_hash,
                                       std::chrono::seconds refresh_ttl) {
  pqxx::work tx(c);
  // ON CONFLICT makes the UNIQUE constraint the arbiter: two racing signups, one row.
  auto r = tx.exec_params(std::string("INSERT INTO gateway.users AS u (id, email, password_hash) "
                                      "VALUES (gen_random_uuid(), $1, $2) "
                                      "ON CONFLICT (email) DO NOTHING RETURNING u.id::text, ") +
                              created_at_text,
                          email, password_hash);
  if (r.empty()) return std::nullopt;
  user_record u{r[0][0].as<std::string>(), email, r[0][1].as<std::string>()};
  auto fam = tx.exec("SELECT gen_random_uuid()::text");
  insert_token(tx, refresh_hash, u.id, fam[0][0].as<std::string>(), refresh_ttl);
  tx.commit();
  return u;
}

std::optional<credentials> find_credentials(pqxx::connection& c, const std::string& email) {
  pqxx::work tx(c);
  auto r = tx.exec_params(std::string("SELECT u.id::text, u.password_hash, ") + created_at_text +
                              " FROM gateway.users u WHERE u.email = $1",
                          email);
  tx.commit();
  if (r.empty()) return std::nullopt;
  return credentials{{r[0][0].as<std::string>(), email, r[0][2].as<std::string>()},
                     r[0][1].as<std::string>()};
}

void insert_family(pqxx::connection& c, const std::string& user_id, const std::string& refresh_hash,
                   std::chrono::seconds refresh_ttl) {
  pqxx::work tx(c);
  auto fam = tx.exec("SELECT gen_random_uuid()::text");
  insert_token(tx, refresh_hash, user_id, fam[0][0].as<std::string>(), refresh_ttl);
  tx.commit();
}

rotate_result rotate(pqxx::connection& c, const std::string& old_hash, const std::string& new_hash,
                     std::chrono::seconds refresh_ttl) {
  pqxx::work tx(c);
  auto family = family_of(tx, old_hash);
  if (!family) return {};
  lock_family(tx, *family);
  // FOR UPDATE: a second refresh with the same token waits here and then sees rotated_at.
  auto r = tx.exec_params(
      std::string("SELECT t.user_id::text, t.rotated_at IS NOT NULL OR t.revoked_at IS NOT NULL, "
                  "t.expires_at <= now(), u.email, ") +
          created_at_text +
          " FROM gateway.refresh_tokens t JOIN gateway.users u ON u.id = t.user_id "
          "WHERE t.token_hash = $1 FOR UPDATE OF t",
      old_hash);
  if (r.empty()) return {};
  if (r[0][1].as<bool>()) {
    revoke_family(tx, *family);
    tx.commit();
    return {rotate_outcome::reused, std::nullopt};
  }
  if (r[0][2].as<bool>()) return {rotate_outcome::expired, std::nullopt};
  user_record u{r[0][0].as<std::string>(), r[0][3].as<std::string>(), r[0][4].as<std::string>()};
  tx.exec_params("UPDATE gateway.refresh_tokens SET rotated_at = now() WHERE token_hash = $1",
                 old_hash);
  insert_token(tx, new_hash, u.id, *family, refresh_ttl);
  tx.commit();
  return {rotate_outcome::rotated, std::move(u)};
}

void revoke_family_of(pqxx::connection& c, const std::string& hash) {
  pqxx::work tx(c);
  auto family = family_of(tx, hash);
  if (!family) return;
  lock_family(tx, *family);
  revoke_family(tx, *family);
  tx.commit();
}

}  // namespace mc::gateway::auth
