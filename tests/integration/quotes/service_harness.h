// Runs a quotes_service with its HTTP server on a background thread for integration tests,
// plus small helpers: a Redis channel recorder and JSON field access.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/http/client.h"
#include "common/http/health.h"
#include "common/http/server.h"
#include "common/redis/subscriber.h"
#include "quotes/quotes_service.h"
#include "support/test_env.h"

namespace mc::quotes::test {

using namespace std::chrono_literals;

inline service_config base_config() {
  service_config c;
  c.redis_url = mc::test::redis_url();
  c.feed = feed_source::sim;
  c.sim.tick_ms = 20ms;
  c.stale_ms = 2s;
  return c;
}

class running_service {
 public:
  explicit running_service(service_config config,
                           metrics::registry& registry = metrics::default_registry())
      : service_(std::make_unique<quotes_service>(std::move(config), ioc_, registry)) {
    service_->add_routes(router_);
    http::add_health_routes(
        router_, [s = service_.get()]() -> net::awaitable<bool> { co_return co_await s->ready(); },
        "quotes");
    http::server_options opts;
    opts.service = "quotes-test";
    opts.access_log = false;
    server_ = std::make_unique<http::server>(ioc_, opts, router_);
    service_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~running_service() {
    service_->stop();
    server_->stop();
    // The feed and timers wind down on their own; cut anything left after a moment.
    std::this_thread::sleep_for(300ms);
    ioc_.stop();
    thread_.join();
  }

  quotes_service& service() { return *service_; }
  uint16_t port() const { return server_->port(); }

  http::client_result get(const std::string& target) {
    return http::request_blocking("127.0.0.1", port(), "GET", target);
  }

 private:
  net::io_context ioc_;
  http::router router_;
  std::unique_ptr<quotes_service> service_;
  std::unique_ptr<http::server> server_;
  std::thread thread_;
};

// Collects messages from Redis channels (thread-safe).
class channel_recorder {
 public:
  explicit channel_recorder(std::vector<std::string> channels)
      : sub_(mc::test::redis_url(), [this](std::string_view, std::string_view payload) {
          std::lock_guard lock(mutex_);
          messages_.emplace_back(payload);
        }) {
    sub_.subscribe(std::move(channels));
    sub_.wait_subscribed(5s);
  }

  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  size_t count() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }
  mc::redis::subscriber& subscriber() { return sub_; }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
  mc::redis::subscriber sub_;
};

// Polls `done` every 10 ms; false after the deadline.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds deadline = 10s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

inline boost::json::object parse_object(const std::string& text) {
  return boost::json::parse(text).as_object();
}

inline std::string str(const boost::json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

}  // namespace mc::quotes::test
