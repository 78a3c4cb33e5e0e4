// A small bounded thread pool for CPU-heavy, blocking work (argon2id), so it never runs on
// an asio I/O thread. Coroutines co_await run(f) and resume on their own executor. When
// every worker is busy and queue_max jobs already wait, run() answers "busy" at once
// (nullopt) instead of queueing without bound: the caller turns that into a 503.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace mc::gateway::auth {

namespace net = boost::asio;

class hash_pool {
 public:
  // Throws std::invalid_argument if workers == 0.
  hash_pool(std::size_t workers, std::size_t queue_max);
  // Runs every job already queued, then joins the workers.
  ~hash_pool();
  hash_pool(const hash_pool&) = delete;
  hash_pool& operator=(const hash_pool&) = delete;

  // f() on a pool thread; its result, or nullopt when the pool is saturated (f not run).
  // An exception from f is rethrown in the awaiting coroutine.
  template <class F>
  net::awaitable<std::optional<std::invoke_result_t<F>>> run(F f) {
    using value_t = std::invoke_result_t<F>;
    static_assert(!std::is_void_v<value_t>, "hash_pool jobs return a value");
    return net::async_initiate<const net::use_awaitable_t<>&,
                               void(std::exception_ptr, std::optional<value_t>)>(
        [this](auto handler, F fn) {
          using job_t = async_job<F, decltype(handler)>;
          auto j = std::make_unique<job_t>(std::move(fn), std::move(handler));
          if (!try_push(j)) {
            job_t::complete(std::move(*j), nullptr, std::nullopt);  // busy: f never runs
          }
        },
        net::use_awaitable, std::move(f));
  }

  std::size_t queued() const;
  std::size_t workers() const noexcept { return workers_.size(); }

 private:
  struct job {
    virtual ~job() = default;
    virtual void run() noexcept = 0;
  };

  template <class F, class Handler>
  struct async_job final : job {
    using value_t = std::invoke_result_t<F>;
    using work_executor =
        std::decay_t<decltype(net::prefer(std::declval<net::associated_executor_t<Handler>>(),
                                          net::execution::outstanding_work.tracked))>;

    async_job(F fn, Handler h)
        : f(std::move(fn)),
          work(net::prefer(net::get_associated_executor(h),
                           net::execution::outstanding_work.tracked)),
          handler(std::move(h)) {}

    void run() noexcept override {
      std::optional<value_t> value;
      std::exception_ptr error;
      try {
        value.emplace(f());
      } catch (...) {
        error = std::current_exception();
      }
      complete(std::move(*this), error, std::move(value));
    }

    // Resumes the coroutine on its own executor, never on the pool thread (nor inline).
    static void complete(async_job&& self, std::exception_ptr error,
                         std::optional<value_t> value) noexcept {
      net::post(self.work, [h = std::move(self.handler), error, v = std::move(value)]() mutable {
        std::move(h)(error, std::move(v));
      });
    }

    F f;
    work_executor work;  // keeps the caller's io_context alive while the job is out
    Handler handler;
  };

  // Queues the job and returns true, or leaves it with the caller and returns false when
  // the queue is full or the pool is stopping.
  template <class J>
  bool try_push(std::unique_ptr<J>& j) {
    std::unique_ptr<job> base(j.release());
    if (push(base)) return true;
    j.reset(static_cast<J*>(base.release()));
    return false;
  }
  bool push(std::unique_ptr<job>& j);
  void worker_loop();

  std::size_t queue_max_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<job>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mc::gateway::auth
