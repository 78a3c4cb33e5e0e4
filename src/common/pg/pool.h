// PostgreSQL connection pool: N libpqxx connections, each owned by one worker thread, so
// blocking pqxx calls never run on the caller's I/O threads. Coroutines co_await run(f) and
// resume on their own executor; plain threads call with_connection(f).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mc::pg {

namespace net = boost::asio;

struct pool_config {
  std::string url;  // postgresql://user@host:port/db (libpq URL or key=value conninfo)
  // One worker thread per connection; also the number of queries that run at the same time.
  std::size_t connections = 4;
  // Jobs waiting for a free connection. At the limit run()/with_connection() fail at once
  // with pool_busy instead of queueing without bound (callers answer 503).
  std::size_t queue_max = 1024;
  // A queued job that has not started within this time fails with pool_busy unrun,
  // so a stalled database cannot build an ever-growing backlog of stale requests.
  std::chrono::milliseconds queue_wait_ms{5000};
  // Server-side statement_timeout set on every connection; 0 keeps the server default.
  std::chrono::milliseconds statement_timeout_ms{0};
  // libpq connect_timeout (libpq treats values below 2 as 2).
  int connect_timeout_s = 3;
  // Bound for ping(): queue wait and statement_timeout of the SELECT 1.
  std::chrono::milliseconds ping_timeout_ms{1000};
};

// `url` (a URL or a key=value conninfo) with libpq's connect_timeout added unless it has one:
// without it a connect to an unreachable host waits for the kernel's TCP timeout (minutes).
std::string with_connect_timeout(const std::string& url, int seconds);

// A session whose waits are bounded: connect within `connect_timeout_s`, and every statement
// cancelled by the server after `statement_timeout` (0: none). Throws on failure.
std::unique_ptr<pqxx::connection> connect_bounded(const std::string& url, int connect_timeout_s,
                                                  std::chrono::milliseconds statement_timeout);

// The pool could not start the job: queue full, waited longer than queue_wait_ms, or the
// pool is shutting down. The job was not run.
class pool_busy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct pool_stats {
  std::size_t connections = 0;   // configured size
  std::size_t queued = 0;        // jobs waiting for a connection
  std::uint64_t reconnects = 0;  // connections reopened after a break
  std::uint64_t rejected = 0;    // jobs failed with pool_busy
};

class pool {
 public:
  // Starts the worker threads; connections open lazily on first use, so a service can start
  // (and report not-ready) while the database is down. Throws std::invalid_argument if
  // connections == 0.
  explicit pool(pool_config config);
  // Runs every job already queued, then joins the workers.
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  // Runs f(conn) on a pool thread and resumes the awaiting coroutine on its own executor with
  // f's result. Exceptions from f (pqxx::sql_error, pqxx::broken_connection, ...) and
  // pool_busy are rethrown in the coroutine. f must leave no session state behind (SET,
  // LISTEN, temp tables): the connection is reused by other jobs. Not cancellable once queued.
  template <class F>
  net::awaitable<std::invoke_result_t<F, pqxx::connection&>> run(F f) {
    return run_with_wait(std::move(f), config_.queue_wait_ms);
  }

  // Blocking variant for non-coroutine threads. Must not be called from inside a job (it
  // would wait for a connection held by the caller itself).
  template <class F>
  std::invoke_result_t<F, pqxx::connection&> with_connection(F f);

  // SELECT 1 within ping_timeout_ms (queue wait plus statement time); false on any failure.
  net::awaitable<bool> ping();

  pool_stats stats() const;

 private:
  template <class F>
  using value_t = std::conditional_t<std::is_void_v<std::invoke_result_t<F, pqxx::connection&>>,
                                     std::monostate, std::invoke_result_t<F, pqxx::connection&>>;

  // A queued unit of work. run() must deliver the outcome exactly once; it returns true if
  // the connection broke so the worker reopens it.
  struct job {
    virtual ~job() = default;
    virtual bool run(pqxx::connection& conn) noexcept = 0;
    virtual void fail(std::exception_ptr error) noexcept = 0;
    std::chrono::steady_clock::time_point deadline;
  };

  // Calls f and captures its result or exception; true when the exception is a broken link.
  template <class F>
  static bool invoke(F& f, pqxx::connection& conn, std::optional<value_t<F>>& value,
                     std::exception_ptr& error) noexcept {
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F, pqxx::connection&>>) {
        f(conn);
        value.emplace();
      } else {
        value.emplace(f(conn));
      }
    } catch (const pqxx::broken_connection&) {
      error = std::current_exception();
      return true;
    } catch (...) {
      error = std::current_exception();
    }
    return false;
  }

  template <class F, class Handler>
  struct async_job final : job {
    using work_executor =
        std::decay_t<decltype(net::prefer(std::declval<net::associated_executor_t<Handler>>(),
                                          net::execution::outstanding_work.tracked))>;

    async_job(F fn, Handler h)
        : f(std::move(fn)),
          work(net::prefer(net::get_associated_executor(h),
                           net::execution::outstanding_work.tracked)),
          handler(std::move(h)) {}

    bool run(pqxx::connection& conn) noexcept override {
      std::optional<value_t<F>> value;
      std::exception_ptr error;
      bool broken = invoke(f, conn, value, error);
      complete(error, std::move(value));
      return broken;
    }
    void fail(std::exception_ptr error) noexcept override { complete(error, std::nullopt); }

    // Resumes the coroutine on its own executor, never on the pool thread.
    void complete(std::exception_ptr error, std::optional<value_t<F>> value) noexcept {
      net::post(work, [h = std::move(handler), error, v = std::move(value)]() mutable {
        std::move(h)(error, std::move(v));
      });
    }

    F f;
    work_executor work;  // keeps the caller's io_context running while the query is out
    Handler handler;
  };

  template <class F>
  struct sync_job final : job {
    explicit sync_job(F fn) : f(std::move(fn)) {}
    bool run(pqxx::connection& conn) noexcept override {
      std::optional<value_t<F>> value;
      std::exception_ptr error;
      bool broken = invoke(f, conn, value, error);
      if (error) {
        promise.set_exception(error);
      } else {
        promise.set_value(std::move(*value));
      }
      return broken;
    }
    void fail(std::exception_ptr error) noexcept override { promise.set_exception(error); }
    F f;
    std::promise<value_t<F>> promise;
  };

  template <class F>
  net::awaitable<std::invoke_result_t<F, pqxx::connection&>> run_with_wait(
      F f, std::chrono::milliseconds queue_wait) {
    using result_t = std::invoke_result_t<F, pqxx::connection&>;
    std::optional<value_t<F>> value =
        co_await net::async_initiate<const net::use_awaitable_t<>&,
                                     void(std::exception_ptr, std::optional<value_t<F>>)>(
            [this, queue_wait](auto handler, F fn) {
              using job_t = async_job<F, decltype(handler)>;
              submit(std::make_unique<job_t>(std::move(fn), std::move(handler)), queue_wait);
            },
            net::use_awaitable, std::move(f));
    if constexpr (!std::is_void_v<result_t>) co_return std::move(*value);
  }

  // Queues the job, or fails it with pool_busy when the queue is full or the pool stops.
  void submit(std::unique_ptr<job> j, std::chrono::milliseconds queue_wait);
  void worker_loop();
  std::string conninfo() const;

  pool_config config_;
  std::string conninfo_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<job>> queue_;
  bool stopping_ = false;
  std::uint64_t reconnects_ = 0;
  std::uint64_t rejected_ = 0;
  std::vector<std::thread> workers_;
};

template <class F>
std::invoke_result_t<F, pqxx::connection&> pool::with_connection(F f) {
  auto j = std::make_unique<sync_job<F>>(std::move(f));
  auto future = j->promise.get_future();
  submit(std::move(j), config_.queue_wait_ms);
  if constexpr (std::is_void_v<std::invoke_result_t<F, pqxx::connection&>>) {
    future.get();
  } else {
    return future.get();
  }
}

}  // namespace mc::pg
