// Accounts and sessions: signup, login, refresh-token rotation and logout. Password work runs
// on the hash pool, SQL on the PostgreSQL pool; every outcome a client can cause is a value.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "common/metrics/metrics.h"
#include "common/money/result.h"
#include "common/pg/pool.h"
#include "gateway/auth/access_token.h"
#include "gateway/auth/auth_options.h"
#include "gateway/auth/auth_store.h"
#include "gateway/auth/hash_pool.h"

namespace mc::gateway::auth {

struct session {
  std::string access_token;
  std::string refresh_token;
  user_record user;
};

enum class auth_error {
  invalid_email,       // 400
  password_too_short,  // 400
  password_too_long,   // 400
  email_taken,         // 409
  bad_credentials,     // 401: wrong email or wrong password, deliberately one value
  invalid_refresh,     // 401: unknown, expired, rotated (family revoked) or revoked
  busy,                // 503: hash pool or database pool saturated
  internal,            // 500: database failure (logged)
};

using auth_result = mc::result<session, auth_error>;

class auth_service {
 public:
  // Throws std::invalid_argument for bad options. `db` must outlive the service.
  auth_service(auth_options opts, pg::pool& db);

  net::awaitable<auth_result> signup(std::string email, std::string password);
  net::awaitable<auth_result> login(std::string email, std::string password);
  net::awaitable<auth_result> refresh(std::string refresh_token);
  // Revokes the token's family; unknown tokens are fine (logout is idempotent).
  net::awaitable<mc::result<bool, auth_error>> logout(std::string refresh_token);

  const access_verifier& verifier() const noexcept { return verifier_; }

 private:
  struct counters {
    metrics::counter& signups;
    metrics::counter& logins_ok;
    metrics::counter& logins_failed;
    metrics::counter& refresh_reuse;
    metrics::counter& hash_busy;
  };
  static counters make_counters();

  auth_options opts_;
  pg::pool& db_;
  hash_pool hashes_;
  access_verifier verifier_;
  counters metrics_;
};

}  // namespace mc::gateway::auth
