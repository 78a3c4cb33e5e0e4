// Crash safety of the real tradeledger binary: clients place orders and top-ups and record
// every 2xx acknowledgement while the process is killed with SIGKILL mid-load, several times.
// After the last restart every acknowledged order exists, every top-up counted exactly once
// (unacknowledged ones are retried with their key), and `tradeledger audit` exits 0.
#include <gtest/gtest.h>

#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service_support.h"
#include "support/test_env.h"

extern char** environ;

namespace mc::test::tl {
namespace {

constexpr int kills = 3;
constexpr int client_threads = 4;
constexpr auto load_before_kill = std::chrono::milliseconds(1500);

// Runs `args` with `env` added to this process's environment; output goes to `log_path`.
pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& log_path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args_copy = args;
  for (auto& a : args_copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

struct attempt {
  std::string user, key, body;
  bool acked = false;
  std::string order_id;  // orders only
};

TEST(ServiceCrash, AcknowledgedWorkSurvivesKillNine) {
  const std::string binary = binary_path("src/cmd/tradeledger");
  ASSERT_EQ(access(binary.c_str(), X_OK), 0) << binary << " is not built";
  const int port = free_port();
  const std::string log_path = binary_path("Testing/Temporary/service_crash_tradeledger.log");
  const std::map<std::string, std::string> env = {
      {"TRADE_LEDGER_PORT", std::to_string(port)},
      {"BIND_ADDRESS", "127.0.0.1"},
      {"POSTGRES_URL", fresh_database()},
      {"REDIS_URL", redis_url()},
      {"SERVICE_JWT_SECRET", std::string(service_secret)},
      {"MIGRATIONS_DIR", source_path("migrations")},
      {"HOUSE_LIQUIDITY", "false"},
      {"HTTP_ACCESS_LOG", "false"},
      {"LOG_LEVEL", "warn"},
  };
  tradeledger::service_token_minter minter(std::string(service_secret), "crash-test");
  auto request = [&](const std::string& method, const std::string& target, const std::string& body,
                     const std::string& key) {
    http::header_list h{{"Authorization", minter.authorization()}};
    if (!key.empty()) h.emplace_back("Idempotency-Key", key);
    return raw_call(static_cast<std::uint16_t>(port), method, target, body, std::move(h));
  };
  auto start = [&]() -> pid_t {
    pid_t pid = spawn({binary}, env, log_path);
    EXPECT_GT(pid, 0);
    const bool up = eventually(
        [&] {
          return raw_call(static_cast<std::uint16_t>(port), "GET", "/readyz", "", {}).status == 200;
        },
        30'000);
    EXPECT_TRUE(up) << "tradeledger did not become ready; see " << log_path;
    return pid;
  };

  std::vector<std::string> users;
  for (int t = 0; t < client_threads; ++t) users.push_back(new_uuid());
  std::mutex mutex;
  std::vector<attempt> topups, orders;

  for (int round = 0; round <= kills; ++round) {
    const pid_t pid = start();
    ASSERT_GT(pid, 0);
    if (round == kills) {
      // Last life: retry every unacknowledged request with its key (what a client does),
      // then verify, then stop gracefully.
      for (auto* list : {&topups, &orders}) {
        for (auto& a : *list) {
          if (a.acked) continue;
          reply r = request("POST", list == &topups ? "/topups" : "/orders", a.body, a.key);
          ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
          a.acked = true;
          a.order_id = r.str("order_id");
        }
      }
      std::int64_t acked_orders = 0;
      for (const auto& o : orders) {
        reply r = request("GET", "/orders/" + o.order_id + "?user_id=" + o.user, "", "");
        EXPECT_EQ(r.status, 200) << "acknowledged order lost: " << o.order_id;
        ++acked_orders;
      }
      std::map<std::string, std::int64_t> topped;
      for (const auto& t : topups) topped[t.user] += 10000;  // 100.00 each
      for (const auto& u : users) {
        reply p = request("GET", "/portfolio/" + u, "", "");
        ASSERT_EQ(p.status, 200);
        // Resting orders only hold funds (no fills here), so the total is the top-up sum.
        EXPECT_EQ(minor(balance(p, "USD", "balance_total"), 2), topped[u]) << u;
      }
      EXPECT_GT(acked_orders, 0);
      ASSERT_EQ(kill(pid, SIGTERM), 0);
      EXPECT_EQ(wait_exit(pid), 0) << "graceful shutdown should exit 0";
      break;
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < client_threads; ++t) {
      threads.emplace_back([&, t] {
        int i = 0;
        while (!stop.load()) {
          const bool is_topup = i % 3 == 0;
          attempt a;
          a.user = users[t];
          a.key =
              "r" + std::to_string(round) + "-t" + std::to_string(t) + "-" + std::to_string(i++);
          a.body = is_topup ? topup_body(a.user, "100.00")
                            : order_body(a.user, "BUY", "LIMIT", "1000.00", "0.01");
          {
            std::lock_guard lock(mutex);
            // Record before sending: a request whose answer is lost must still be retried.
            (is_topup ? topups : orders).push_back(a);
          }
          reply r = request("POST", is_topup ? "/topups" : "/orders", a.body, a.key);
          if (r.status == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // process is gone
            continue;
          }
          std::lock_guard lock(mutex);
          auto& list = is_topup ? topups : orders;
          for (auto it = list.rbegin(); it != list.rend(); ++it) {
            if (it->key != a.key) continue;
            if (r.status == 200 || r.status == 201) {
              it->acked = true;
              it->order_id = r.str("order_id");
            } else if (r.status == 422) {
              list.erase(std::next(it).base());  // refused (funds): nothing to prove
            }
            break;
          }
        }
      });
    }
    std::this_thread::sleep_for(load_before_kill);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
    for (auto& th : threads) th.join();
  }

  std::size_t acked_before_retry = 0;
  for (const auto& a : orders) acked_before_retry += a.acked ? 1 : 0;
  EXPECT_GT(acked_before_retry, 0u);

  const pid_t auditor = spawn({binary, "audit"}, env, log_path);
  ASSERT_GT(auditor, 0);
  EXPECT_EQ(wait_exit(auditor), 0) << "tradeledger audit found violations; see " << log_path;
}

}  // namespace
}  // namespace mc::test::tl
