// Redis Pub/Sub on a dedicated thread. Keeps the wanted channels and patterns itself, so after
// Redis goes away it reconnects (jittered exponential backoff) and resubscribes on its own.
// Messages published while it is disconnected are lost: Pub/Sub is fire-and-forget.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/redis/client.h"

struct redisContext;  // hiredis, used only in subscriber.cpp

namespace mc::redis {

struct subscriber_options {
  std::chrono::milliseconds connect_timeout_ms{1000};
  // Reconnect delay: starts at backoff_initial_ms, doubles per failed attempt up to
  // backoff_max_ms; each wait is a random value in [delay/2, delay] so replicas spread out.
  std::chrono::milliseconds backoff_initial_ms{50};
  std::chrono::milliseconds backoff_max_ms{2000};
  // A silent connection is PINGed after this long; no answer within another interval means
  // the link is dead (peer vanished without closing) and the subscriber reconnects.
  std::chrono::milliseconds health_check_interval_ms{2000};
};

class subscriber {
 public:
  // Called on the subscriber's own thread, one message at a time, in arrival order. For a
  // pattern subscription `channel` is the concrete channel. Keep it short (hand work off);
  // exceptions are caught and logged. Do not call stop() or destroy the subscriber from it.
  using message_handler = std::function<void(std::string_view channel, std::string_view payload)>;

  // Throws std::invalid_argument on a malformed URL. Starts the thread, which connects at once
  // and keeps retrying while Redis is down.
  subscriber(const std::string& url, message_handler on_message, subscriber_options options = {});
  ~subscriber();  // stop()
  subscriber(const subscriber&) = delete;
  subscriber& operator=(const subscriber&) = delete;

  // Add or remove channels / patterns; thread-safe, return at once. Applied on the current
  // connection and remembered for every later one.
  void subscribe(std::vector<std::string> channels);
  void unsubscribe(std::vector<std::string> channels);
  void psubscribe(std::vector<std::string> patterns);
  void punsubscribe(std::vector<std::string> patterns);

  // Waits until connected and Redis has confirmed every wanted channel and pattern. Returns
  // false on timeout. Use before relying on delivery (start-up, tests).
  bool wait_subscribed(std::chrono::milliseconds timeout);

  // Closes the connection and joins the thread; returns within about one poll wake-up.
  // Idempotent.
  void stop();

  bool connected() const { return connected_.load(); }
  std::uint64_t reconnects() const { return reconnects_.load(); }  // connections after the first
  std::uint64_t messages() const { return messages_.load(); }      // messages delivered

 private:
  void thread_main();
  // Runs one connected session; returns when the link is lost or stop() is called.
  void session(redisContext* ctx);
  void request(std::vector<std::string> cmd);
  void wake();
  // Sleeps up to `delay`, returning early (true) if stop() is called.
  bool sleep_interruptible(std::chrono::milliseconds delay);
  bool fully_subscribed() const;  // mutex_ held

  endpoint endpoint_;
  message_handler on_message_;
  subscriber_options options_;
  int wake_fd_ = -1;  // eventfd: stop() and subscription changes interrupt the poll

  mutable std::mutex mutex_;
  std::condition_variable subscribed_cv_;
  std::set<std::string> channels_;            // wanted
  std::set<std::string> patterns_;            // wanted
  std::set<std::string> confirmed_channels_;  // confirmed on the current connection
  std::set<std::string> confirmed_patterns_;
  std::vector<std::vector<std::string>> pending_;  // commands for the current connection

  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::thread thread_;
};

}  // namespace mc::redis
