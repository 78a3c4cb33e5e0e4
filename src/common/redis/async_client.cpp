// Worker threads for async_client: each owns one sync client; jobs carry the coroutine's
// completion handler and post the result back to the coroutine's executor.
#include "common/redis/async_client.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace mc::redis {

struct async_client::impl {
  struct job {
    virtual ~job() = default;
    virtual void run(client& c) = 0;
    virtual void fail(const std::string& why) = 0;
    std::chrono::steady_clock::time_point deadline;
  };

  async_client_options options;
  mutable std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::unique_ptr<job>> queue;
  bool stopping = false;
  std::uint64_t rejected = 0;
  std::vector<std::thread> workers;

  void enqueue(std::unique_ptr<job> j) {
    const char* refusal = nullptr;
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        refusal = "ERR redis client shutting down";
      } else if (queue.size() >= options.queue_max) {
        refusal = "ERR redis queue full";
      } else {
        j->deadline = std::chrono::steady_clock::now() + options.queue_wait_ms;
        queue.push_back(std::move(j));
      }
      if (refusal) ++rejected;
    }
    if (refusal) {
      j->fail(refusal);
      return;
    }
    ready.notify_one();
  }

  void worker_loop(client c) {
    for (;;) {
      std::unique_ptr<job> j;
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // drain before exiting: queued callers are waiting
        j = std::move(queue.front());
        queue.pop_front();
      }
      if (std::chrono::steady_clock::now() > j->deadline) {
        {
          std::lock_guard lock(mutex);
          ++rejected;
        }
        j->fail("ERR redis queue wait exceeded");
        continue;
      }
      j->run(c);
    }
  }

  // Runs work(client&) -> Result on a worker; on refusal the result is on_fail(reason).
  template <class Result, class Work, class Fail>
  net::awaitable<Result> execute(Work work, Fail on_fail) {
    co_return co_await net::async_initiate<const net::use_awaitable_t<>&, void(Result)>(
        [this](auto handler, Work w, Fail f) {
          using job_t = typed_job<Result, Work, Fail, decltype(handler)>;
          enqueue(std::make_unique<job_t>(std::move(w), std::move(f), std::move(handler)));
        },
        net::use_awaitable, std::move(work), std::move(on_fail));
  }

  template <class Result, class Work, class Fail, class Handler>
  struct typed_job final : job {
    typed_job(Work w, Fail f, Handler h)
        : work(std::move(w)),
          on_fail(std::move(f)),
          executor(net::prefer(net::get_associated_executor(h),
                               net::execution::outstanding_work.tracked)),
          handler(std::move(h)) {}
    void run(client& c) override { complete(work(c)); }
    void fail(const std::string& why) override { complete(on_fail(why)); }
    // Resumes the coroutine on its own executor, never on the worker thread.
    void complete(Result r) {
      net::post(executor, [h = std::move(handler), r = std::move(r)]() mutable {
        std::move(h)(std::move(r));
      });
    }
    Work work;
    Fail on_fail;
    // Tracked work keeps the caller's io_context running while the command is out.
    std::decay_t<decltype(net::prefer(std::declval<net::associated_executor_t<Handler>>(),
                                      net::execution::outstanding_work.tracked))>
        executor;
    Handler handler;
  };
};

async_client::async_client(const std::string& url, async_client_options options)
    : impl_(std::make_unique<impl>()) {
  if (options.connections == 0)
    throw std::invalid_argument("redis async_client needs connections > 0");
  impl_->options = options;
  std::vector<client> clients;
  for (std::size_t i = 0; i < options.connections; ++i) clients.emplace_back(url, options.client);
  for (auto& c : clients) {
    impl_->workers.emplace_back(
        [this, c = std::move(c)]() mutable { impl_->worker_loop(std::move(c)); });
  }
}

async_client::~async_client() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->ready.notify_all();
  for (auto& w : impl_->workers) w.join();
}

net::awaitable<reply> async_client::command(std::vector<std::string> args) {
  return impl_->execute<reply>([args = std::move(args)](client& c) { return c.command(args); },
                               [](const std::string& why) { return reply::error(why, true); });
}

net::awaitable<std::vector<reply>> async_client::pipeline(
    std::vector<std::vector<std::string>> cmds) {
  const std::size_t n = cmds.size();
  return impl_->execute<std::vector<reply>>(
      [cmds = std::move(cmds)](client& c) { return c.pipeline(cmds); },
      [n](const std::string& why) { return std::vector<reply>(n, reply::error(why, true)); });
}

net::awaitable<reply> async_client::eval(const script& s, std::vector<std::string> keys,
                                         std::vector<std::string> args) {
  // The script is copied so the job never refers to the caller's frame.
  return impl_->execute<reply>([s, keys = std::move(keys), args = std::move(args)](
                                   client& c) { return c.eval_script(s, keys, args); },
                               [](const std::string& why) { return reply::error(why, true); });
}

net::awaitable<bool> async_client::ping() {
  // Built outside the co_await: GCC 12 miscompiles string-literal braced lists inside one.
  std::vector<std::string> cmd{std::string("PING")};
  reply r = co_await command(std::move(cmd));
  co_return r.type == reply_type::status&& r.str == "PONG";
}

async_client_stats async_client::stats() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->queue.size(), impl_->rejected};
}

}  // namespace mc::redis
