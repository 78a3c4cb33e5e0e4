#include "common/io/event_loops.h"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/strand.hpp>

#include <thread>

namespace mc::io {

event_loops::event_loops(unsigned count) {
  if (count == 0) count = 1;
  for (unsigned i = 0; i < count; ++i) {
    loops_.push_back(std::make_unique<loop>());
    keep_running_.emplace_back(loops_.back()->get_executor());
  }
}

event_loops::~event_loops() {
  stop();
  keep_running_.clear();
  for (auto& l : loops_) l->shutdown();  // idempotent: the destructors call it again
  loops_.clear();
}

net::io_context& event_loops::next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

std::vector<net::any_io_executor> event_loops::executors() const {
  std::vector<net::any_io_executor> out;
  for (const auto& loop : loops_) out.emplace_back(loop->get_executor());
  return out;
}

void event_loops::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back([loop = loops_[i].get()] { loop->run(); });
  }
  loops_.front()->run();
  for (auto& t : threads) t.join();
}

void event_loops::stop() {
  for (auto& loop : loops_) loop->stop();
}

const void* loop_of(const net::any_io_executor& ex) {
  return &net::query(ex, net::execution::context);
}

net::any_io_executor loop_executor(const net::any_io_executor& ex) {
  using loop_ex = net::io_context::executor_type;
  if (const auto* strand = ex.target<net::strand<loop_ex>>()) return strand->get_inner_executor();
  return ex;
}

}  // namespace mc::io
