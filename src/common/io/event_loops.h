// One event loop per I/O thread. A connection is given to one loop for its whole life, and the
// Redis and TradeLedger connections its requests use are picked on that same loop, so a
// request's steps (read, Redis call, ledger call, write) complete on one thread. (Redis calls
// ordered by a key's affinity, the idempotency claims, go to that key's connection instead.)
//
// Why not one io_context run by every thread: Asio then lets the thread that waited in
// epoll hand the completions it found to a sleeping peer (a futex wake and a context switch
// per hand-off, which on this project's virtual machines costs more than the work handed
// over). Measured in docs/BENCHMARKS.md ("one loop per thread").
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace mc::io {

namespace net = boost::asio;

class event_loops {
 public:
  explicit event_loops(unsigned count);  // at least one loop
  // Stops every loop, then shuts all of them down (destroying what is still queued) before
  // destroying any: a handler left on one loop may own objects of another (a session holds
  // the server, whose acceptor lives on loop 0), which must still exist when it goes.
  ~event_loops();
  event_loops(const event_loops&) = delete;
  event_loops& operator=(const event_loops&) = delete;

  // Loop 0: listening sockets, signals and the services' own timers live here.
  net::io_context& main() { return *loops_.front(); }
  // The loops in turn, for the next accepted connection.
  net::io_context& next();
  // Every loop's executor, loop 0 first: for clients that keep connections on each loop.
  std::vector<net::any_io_executor> executors() const;

  // Runs loop 0 on the calling thread and every other loop on a thread of its own until
  // stop(); returns once all of them have returned.
  void run();
  // Thread-safe: every loop returns from run() as soon as its current handler ends.
  void stop();

 private:
  // An io_context whose shutdown (normally only its destructor's first step) can be called
  // for all loops before any is destroyed.
  class loop final : public net::io_context {
   public:
    loop() : net::io_context(1) {}  // concurrency hint 1: run by exactly one thread
    using net::io_context::shutdown;
  };
  using guard = net::executor_work_guard<net::io_context::executor_type>;
  std::vector<std::unique_ptr<loop>> loops_;
  std::vector<guard> keep_running_;  // an idle loop waits for work instead of returning
  std::atomic<std::size_t> next_{0};
};

// The loop an executor (a loop's own, or a strand on it) belongs to, as the key under which
// per-loop clients file their connections.
const void* loop_of(const net::any_io_executor& ex);
// The loop's own executor under a strand on an io_context (or the executor itself when it is
// something else): connections shared by many coroutines of one loop are made on it.
net::any_io_executor loop_executor(const net::any_io_executor& ex);

}  // namespace mc::io
