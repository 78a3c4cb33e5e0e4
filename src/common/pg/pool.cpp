// Worker threads of the PostgreSQL pool: each owns one connection, takes jobs from a shared
// bounded queue, and reopens its connection when the server has dropped it.
#include "common/pg/pool.h"

#include <poll.h>

#include "common/log/log.h"

namespace mc::pg {
namespace {

// An idle connection has nothing to read. If its socket is readable or hung up, the server
// has sent a termination notice (pg_terminate_backend, restart) or closed the link; reopen
// before handing it to a job instead of failing that job.
bool idle_connection_healthy(const pqxx::connection& conn) {
  if (!conn.is_open()) return false;
  int fd = conn.sock();
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  int n = ::poll(&p, 1, 0);
  return n == 0;
}

}  // namespace

pool::pool(pool_config config) : config_(std::move(config)) {
  if (config_.connections == 0)
    throw std::invalid_argument("pg pool needs at least one connection");
  conninfo_ = conninfo();
  workers_.reserve(config_.connections);
  for (std::size_t i = 0; i < config_.connections; ++i) {
    workers_.emplace_back([this] { worker_loop(); });
  }
}

pool::~pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& w : workers_) w.join();
}

std::string with_connect_timeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  const std::string timeout = std::to_string(seconds);
  const bool is_url = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!is_url) return url + " connect_timeout=" + timeout;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=" + timeout;
}

std::unique_ptr<pqxx::connection> connect_bounded(const std::string& url, int connect_timeout_s,
                                                  std::chrono::milliseconds statement_timeout) {
  auto conn = std::make_unique<pqxx::connection>(with_connect_timeout(url, connect_timeout_s));
  if (statement_timeout.count() > 0) {
    pqxx::nontransaction tx(*conn);
    tx.exec("SET statement_timeout = " + std::to_string(statement_timeout.count()));
  }
  return conn;
}

std::string pool::conninfo() const {
  return with_connect_timeout(config_.url, config_.connect_timeout_s);
}

void pool::submit(std::unique_ptr<job> j, std::chrono::milliseconds queue_wait) {
  const char* refusal = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refusal = "pg pool is shutting down";
    } else if (queue_.size() >= config_.queue_max) {
      refusal = "pg pool queue is full";
    } else {
      j->deadline = std::chrono::steady_clock::now() + queue_wait;
      queue_.push_back(std::move(j));
    }
    if (refusal) ++rejected_;
  }
  if (refusal) {
    j->fail(std::make_exception_ptr(pool_busy(refusal)));
    return;
  }
  ready_.notify_one();
}

void pool::worker_loop() {
  std::unique_ptr<pqxx::connection> conn;
  bool opened_before = false;
  for (;;) {
    std::unique_ptr<job> j;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Drain on shutdown: everything queued was accepted and its caller is waiting.
      if (queue_.empty()) return;
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    if (std::chrono::steady_clock::now() > j->deadline) {
      {
        std::lock_guard lock(mutex_);
        ++rejected_;
      }
      j->fail(
          std::make_exception_ptr(pool_busy("pg pool: no connection free within queue_wait_ms")));
      continue;
    }
    if (conn && !idle_connection_healthy(*conn)) {
      mc::log::info("pg connection lost, reopening");
      conn.reset();
    }
    if (!conn) {
      try {
        conn = connect_bounded(conninfo_, config_.connect_timeout_s, config_.statement_timeout_ms);
        if (opened_before) {
          std::lock_guard lock(mutex_);
          ++reconnects_;
        }
        opened_before = true;
      } catch (const std::exception& e) {
        conn.reset();
        mc::log::warn("pg connect failed", {{"error", e.what()}});
        j->fail(std::current_exception());
        continue;
      }
    }
    bool broken = j->run(*conn);
    j.reset();
    if (broken || !conn->is_open()) conn.reset();
  }
}

net::awaitable<bool> pool::ping() {
  const auto timeout = config_.ping_timeout_ms;
  try {
    co_return co_await run_with_wait(
        [timeout](pqxx::connection& c) {
          pqxx::work tx(c);
          tx.exec("SET LOCAL statement_timeout = " + std::to_string(timeout.count()));
          return tx.exec1("SELECT 1")[0].as<int>() == 1;
        },
        timeout);
  } catch (const std::exception& e) {
    mc::log::warn("pg ping failed", {{"error", e.what()}});
    co_return false;
  }
}

pool_stats pool::stats() const {
  std::lock_guard lock(mutex_);
  return {config_.connections, queue_.size(), reconnects_, rejected_};
}

}  // namespace mc::pg
