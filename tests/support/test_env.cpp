// Reads the env file written by `scripts/infra.sh start` (the ctest fixture) and hands out
// per-test databases created from template0, dropped again when the test process exits (a
// full run creates hundreds, ~8 MB each: kept, they filled the disk).
#include "support/test_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <vector>

namespace mc::test {
namespace {

const std::map<std::string, std::string>& env_file() {
  static const std::map<std::string, std::string> values = [] {
    std::map<std::string, std::string> out;
    std::ifstream in(std::string(MC_TEST_INFRA_DIR) + "/env");
    if (!in) {
      throw std::runtime_error(
          "test infrastructure is not running: run the tests through ctest (fixture infra_start)");
    }
    std::string line;
    while (std::getline(in, line)) {
      auto eq = line.find('=');
      if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
  }();
  return values;
}

std::string value(const std::string& key) {
  auto it = env_file().find(key);
  if (it == env_file().end()) throw std::runtime_error("test env file lacks " + key);
  return it->second;
}

}  // namespace

std::string postgres_admin_url() {
  return value("POSTGRES_URL");
}

namespace {

// Databases this process created; dropped at exit, forcibly (a server the test started may
// still hold a connection). Best effort: a failure leaves a database for the next prune.
std::vector<std::string>& created_databases() {
  static std::vector<std::string> names;
  return names;
}

void drop_created_databases() {
  auto& names = created_databases();
  if (names.empty()) return;
  try {
    pqxx::connection admin(postgres_admin_url());
    for (const auto& name : names) {
      pqxx::nontransaction tx(admin);
      tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
    }
  } catch (const std::exception&) {
  }
  names.clear();
}

}  // namespace

std::string fresh_database() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  std::string name = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
                     std::to_string(rd() % 1000000);
  pqxx::connection admin(postgres_admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name) + " TEMPLATE template0");
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  static const bool registered = (created_databases(), std::atexit(drop_created_databases) == 0);
  (void)registered;
  created_databases().push_back(name);
  std::string url = postgres_admin_url();
  return url.substr(0, url.rfind('/') + 1) + name;
}

std::string redis_url() {
  return value("REDIS_URL");
}

std::string redis_host() {
  return "127.0.0.1";
}

int redis_port() {
  std::string url = redis_url();
  return std::stoi(url.substr(url.rfind(':') + 1));
}

int infra(const std::string& action) {
  std::string cmd = std::string(MC_SOURCE_DIR) + "/scripts/infra.sh " + action + " --dir " +
                    MC_TEST_INFRA_DIR + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string source_path(const std::string& relative) {
  return std::string(MC_SOURCE_DIR) + "/" + relative;
}

std::string binary_path(const std::string& relative) {
  return std::string(MC_BINARY_DIR) + "/" + relative;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace mc::test
