// Stopping while the database is unreachable: stop() returns within its deadline, the command
// whose batch was never confirmed is not answered as a success, and the next start recovers
// from what was committed.
#include <pqxx/pqxx>

#include <chrono>
#include <future>
#include <thread>

#include "core_test_util.h"

namespace mc::tradeledger::test {
namespace {

using namespace std::chrono_literals;

// Refuses new sessions to the test's database and ends the ones it has: from the core's side
// the database is down (every reconnect fails), while the server goes on serving the other
// tests' databases.
void cut_off(const std::string& db_url, bool off) {
  const std::string name = db_url.substr(db_url.rfind('/') + 1);
  pqxx::connection admin(mc::test::postgres_admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec0("ALTER DATABASE " + tx.quote_name(name) + " WITH ALLOW_CONNECTIONS " +
           (off ? "false" : "true"));
  if (off) {
    tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
            tx.quote(name) + " AND pid <> pg_backend_pid()");
  }
}

class CoreShutdown : public core_fixture {};

TEST_F(CoreShutdown, StopHasADeadlineWhileTheDatabaseIsDown) {
  core_config c = make_config(false);
  c.stop_timeout_ms = 1000ms;
  start_with(c);
  const std::string user = new_user();
  ASSERT_EQ(topup(user, "100.00").error, error_code::none);

  cut_off(db_, true);
  // This top-up's batch cannot commit: the persister waits for the database.
  std::promise<command_result> answered;
  auto answer = answered.get_future();
  std::thread caller([&] { answered.set_value(topup(user, "50.00")); });
  ASSERT_EQ(answer.wait_for(500ms), std::future_status::timeout) << "answered without a commit";

  const auto t0 = std::chrono::steady_clock::now();
  core_->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  caller.join();
  EXPECT_LT(took, 5s) << "stop() waited for the database without end";
  const command_result r = answer.get();
  EXPECT_NE(r.error, error_code::none) << "an unconfirmed batch was answered as a success";
  EXPECT_TRUE(r.error == error_code::outcome_unknown || r.error == error_code::unavailable)
      << static_cast<int>(r.error) << " " << r.body;

  // The database returns; a new core recovers from the last commit: only the first top-up.
  cut_off(db_, false);
  core_.reset();
  start_with(make_config(false));
  EXPECT_EQ(balance(user, "USD").first, "100.00");
}

}  // namespace
}  // namespace mc::tradeledger::test
