// Worker threads of the hash pool.
#include "gateway/auth/hash_pool.h"

#include <stdexcept>

namespace mc::gateway::auth {

hash_pool::hash_pool(std::size_t workers, std::size_t queue_max) : queue_max_(queue_max) {
  if (workers == 0) throw std::invalid_argument("hash_pool: workers must be positive");
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

hash_pool::~hash_pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : workers_) t.join();
}

std::size_t hash_pool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool hash_pool::push(std::unique_ptr<job>& j) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_max_) return false;
    queue_.push_back(std::move(j));
  }
  ready_.notify_one();
  return true;
}

void hash_pool::worker_loop() {
  for (;;) {
    std::unique_ptr<job> j;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Drain before exiting: every accepted job gets its answer.
      if (queue_.empty()) return;
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    j->run();
  }
}

}  // namespace mc::gateway::auth
