// Signup, login, refresh and logout.
#include "gateway/auth/auth_service.h"

#include <exception>
#include <stdexcept>

#include "common/log/log.h"
#include "gateway/auth/email.h"
#include "gateway/auth/password.h"
#include "gateway/auth/refresh_token.h"

namespace mc::gateway::auth {
namespace {

auth_error db_failure(const std::exception& e) {
  if (dynamic_cast<const pg::pool_busy*>(&e) != nullptr) return auth_error::busy;
  log::error("auth: database failure", {{"error", e.what()}});
  return auth_error::internal;
}

}  // namespace

auth_service::counters auth_service::make_counters() {
  auto& r = metrics::default_registry();
  return {
      r.counter("gateway_auth_signups_total", "Accounts created"),
      r.counter("gateway_auth_logins_total", "Login attempts by result", {{"result", "ok"}}),
      r.counter("gateway_auth_logins_total", "Login attempts by result", {{"result", "failed"}}),
      r.counter("gateway_auth_refresh_reuse_total",
                "Rotated or revoked refresh tokens presented again (family revoked)"),
      r.counter("gateway_auth_hash_busy_total", "Password hashes refused: hash pool saturated"),
  };
}

auth_service::auth_service(auth_options opts, pg::pool& db)
    : opts_(std::move(opts)),
      db_(db),
      hashes_(opts_.hash_workers, opts_.hash_queue_max),
      verifier_(opts_),
      metrics_(make_counters()) {
  if (opts_.refresh_ttl.count() <= 0) throw std::invalid_argument("auth: refresh ttl must be > 0");
  (void)dummy_password_hash();  // computed at start, not on the first unknown-email login
}

net::awaitable<auth_result> auth_service::signup(std::string email, std::string password) {
  auto normal = normalize_email(email);
  if (!normal) co_return auth_error::invalid_email;
  switch (check_password(password)) {
    case password_problem::too_short:
      co_return auth_error::password_too_short;
    case password_problem::too_long:
      co_return auth_error::password_too_long;
    case password_problem::none:
      break;
  }
  // Lambdas given to co_await capture coroutine locals by reference only: GCC 12 mishandles
  // strings captured by value in co_await operands (ASan: free of a coroutine-frame address).
  auto hash = co_await hashes_.run([&password] { return hash_password(password); });
  if (!hash) {
    metrics_.hash_busy.inc();
    co_return auth_error::busy;
  }
  std::string refresh = new_refresh_token();
  std::optional<user_record> user;
  try {
    const std::string h = refresh_token_hash(refresh);
    user = co_await db_.run(
        [&](pqxx::connection& c) { return insert_user(c, *normal, *hash, h, opts_.refresh_ttl); });
  } catch (const std::exception& e) {
    co_return db_failure(e);
  }
  if (!user) co_return auth_error::email_taken;
  metrics_.signups.inc();
  co_return session{verifier_.mint(user->id), std::move(refresh), std::move(*user)};
}

net::awaitable<auth_result> auth_service::login(std::string email, std::string password) {
  auto normal = normalize_email(email);
  std::optional<credentials> found;
  if (normal && check_password(password) == password_problem::none) {
    try {
      found = co_await db_.run([&](pqxx::connection& c) { return find_credentials(c, *normal); });
    } catch (const std::exception& e) {
      co_return db_failure(e);
    }
  }
  // Unknown emails verify against a dummy hash, so they cost what a wrong password costs.
  const std::string& hash = found ? found->password_hash : dummy_password_hash();
  auto ok = co_await hashes_.run([&hash, &password] { return verify_password(hash, password); });
  if (!ok) {
    metrics_.hash_busy.inc();
    co_return auth_error::busy;
  }
  if (!found || !*ok) {
    metrics_.logins_failed.inc();
    co_return auth_error::bad_credentials;
  }
  std::string refresh = new_refresh_token();
  try {
    const std::string h = refresh_token_hash(refresh);
    co_await db_.run(
        [&](pqxx::connection& c) { insert_family(c, found->user.id, h, opts_.refresh_ttl); });
  } catch (const std::exception& e) {
    co_return db_failure(e);
  }
  metrics_.logins_ok.inc();
  co_return session{verifier_.mint(found->user.id), std::move(refresh), std::move(found->user)};
}

net::awaitable<auth_result> auth_service::refresh(std::string refresh_token) {
  std::string next = new_refresh_token();
  rotate_result r;
  try {
    const std::string old_h = refresh_token_hash(refresh_token);
    const std::string new_h = refresh_token_hash(next);
    r = co_await db_.run(
        [&](pqxx::connection& c) { return rotate(c, old_h, new_h, opts_.refresh_ttl); });
  } catch (const std::exception& e) {
    co_return db_failure(e);
  }
  if (r.outcome == rotate_outcome::reused) {
    metrics_.refresh_reuse.inc();
    log::warn("auth: refresh token reused, family revoked");
  }
  if (r.outcome != rotate_outcome::rotated) co_return auth_error::invalid_refresh;
  co_return session{verifier_.mint(r.user->id), std::move(next), std::move(*r.user)};
}

net::awaitable<mc::result<bool, auth_error>> auth_service::logout(std::string refresh_token) {
  try {
    const std::string h = refresh_token_hash(refresh_token);
    co_await db_.run([&h](pqxx::connection& c) { revoke_family_of(c, h); });
  } catch (const std::exception& e) {
    co_return db_failure(e);
  }
  co_return true;
}

}  // namespace mc::gateway::auth
