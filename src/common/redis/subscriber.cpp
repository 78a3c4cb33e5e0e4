// The subscriber thread: connect, (re)subscribe to everything wanted, then poll the socket and
// an eventfd; read replies with hiredis' reader and hand messages to the callback.
#include "common/redis/subscriber.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "common/log/log.h"
#include "common/redis/hiredis_util.h"

namespace mc::redis {
namespace {

using clock = std::chrono::steady_clock;

std::vector<std::string> with_verb(std::string verb, const std::set<std::string>& names) {
  std::vector<std::string> cmd{std::move(verb)};
  cmd.insert(cmd.end(), names.begin(), names.end());
  return cmd;
}

// Writes the whole output buffer (small subscribe commands; bounded by the socket timeout).
bool flush(redisContext* c) {
  int done = 0;
  while (!done) {
    if (redisBufferWrite(c, &done) != REDIS_OK) return false;
  }
  return true;
}

int poll_ms(std::chrono::milliseconds ms) {
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, ms.count()));
}

}  // namespace

subscriber::subscriber(const std::string& url, message_handler on_message,
                       subscriber_options options)
    : on_message_(std::move(on_message)), options_(options) {
  auto ep = parse_url(url);
  if (!ep) throw std::invalid_argument("invalid redis URL (want redis://host:port[/db]): " + url);
  endpoint_ = std::move(*ep);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error("redis subscriber: eventfd failed");
  thread_ = std::thread([this] { thread_main(); });
}

subscriber::~subscriber() {
  stop();
  ::close(wake_fd_);
}

void subscriber::stop() {
  stopping_ = true;
  wake();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void subscriber::wake() {
  std::uint64_t one = 1;
  // A full counter still leaves the fd readable, which is all the poll needs.
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void subscriber::request(std::vector<std::string> cmd) {
  if (cmd.size() < 2) return;
  {
    std::lock_guard lock(mutex_);
    // While disconnected the next session sends the full wanted set, so only queue for a
    // live connection.
    if (connected_) pending_.push_back(std::move(cmd));
  }
  wake();
}

void subscriber::subscribe(std::vector<std::string> channels) {
  {
    std::lock_guard lock(mutex_);
    channels_.insert(channels.begin(), channels.end());
  }
  channels.insert(channels.begin(), "SUBSCRIBE");
  request(std::move(channels));
}

void subscriber::unsubscribe(std::vector<std::string> channels) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& c : channels) channels_.erase(c);
  }
  channels.insert(channels.begin(), "UNSUBSCRIBE");
  request(std::move(channels));
}

void subscriber::psubscribe(std::vector<std::string> patterns) {
  {
    std::lock_guard lock(mutex_);
    patterns_.insert(patterns.begin(), patterns.end());
  }
  patterns.insert(patterns.begin(), "PSUBSCRIBE");
  request(std::move(patterns));
}

void subscriber::punsubscribe(std::vector<std::string> patterns) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& p : patterns) patterns_.erase(p);
  }
  patterns.insert(patterns.begin(), "PUNSUBSCRIBE");
  request(std::move(patterns));
}

bool subscriber::fully_subscribed() const {
  return connected_ &&
         std::includes(confirmed_channels_.begin(), confirmed_channels_.end(), channels_.begin(),
                       channels_.end()) &&
         std::includes(confirmed_patterns_.begin(), confirmed_patterns_.end(), patterns_.begin(),
                       patterns_.end());
}

bool subscriber::wait_subscribed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return subscribed_cv_.wait_for(lock, timeout, [this] { return fully_subscribed(); });
}

bool subscriber::sleep_interruptible(std::chrono::milliseconds delay) {
  const auto until = clock::now() + delay;
  while (!stopping_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
    if (left.count() <= 0) return false;
    pollfd p{wake_fd_, POLLIN, 0};
    if (::poll(&p, 1, poll_ms(left)) > 0) {
      std::uint64_t drained = 0;
      [[maybe_unused]] auto n = ::read(wake_fd_, &drained, sizeof drained);
    }
  }
  return true;
}

void subscriber::thread_main() {
  std::minstd_rand rng(std::random_device{}());
  auto backoff = options_.backoff_initial_ms;
  bool first = true;
  auto jittered = [&](std::chrono::milliseconds d) {
    std::uniform_int_distribution<std::int64_t> dist(d.count() / 2, d.count());
    return std::chrono::milliseconds(dist(rng));
  };
  while (!stopping_) {
    std::string error;
    detail::context_ptr ctx =
        detail::connect(endpoint_, options_.connect_timeout_ms, options_.connect_timeout_ms, error);
    if (!ctx) {
      mc::log::warn("redis subscriber connect failed",
                    {{"error", error}, {"retry_ms", std::to_string(backoff.count())}});
      if (sleep_interruptible(jittered(backoff))) break;
      backoff = std::min(backoff * 2, options_.backoff_max_ms);
      continue;
    }
    if (!first) ++reconnects_;
    first = false;
    mc::log::info("redis subscriber connected",
                  {{"reconnects", std::to_string(reconnects_.load())}});
    const auto started = clock::now();
    session(ctx.get());
    {
      std::lock_guard lock(mutex_);
      connected_ = false;
      confirmed_channels_.clear();
      confirmed_patterns_.clear();
      pending_.clear();
    }
    if (stopping_) break;
    mc::log::warn("redis subscriber disconnected", {{"error", detail::context_error(ctx.get())}});
    // A session that lasted is a fresh outage: retry fast. One that died at once keeps
    // the growing delay so a flapping server is not hammered.
    if (clock::now() - started >= options_.backoff_max_ms) backoff = options_.backoff_initial_ms;
    if (sleep_interruptible(jittered(backoff))) break;
    backoff = std::min(backoff * 2, options_.backoff_max_ms);
  }
  connected_ = false;
}

void subscriber::session(redisContext* c) {
  {
    // Everything wanted goes out on the new connection; queued deltas were for the old one.
    std::lock_guard lock(mutex_);
    pending_.clear();
    if (!channels_.empty()) detail::append(c, with_verb("SUBSCRIBE", channels_));
    if (!patterns_.empty()) detail::append(c, with_verb("PSUBSCRIBE", patterns_));
    connected_ = true;
  }
  subscribed_cv_.notify_all();
  if (!flush(c)) return;

  const auto interval = options_.health_check_interval_ms;
  auto last_rx = clock::now();
  bool ping_outstanding = false;
  auto ping_sent = last_rx;

  while (!stopping_) {
    pollfd fds[2] = {{c->fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, 2, poll_ms(interval / 2));
    if (n < 0 && errno != EINTR) return;
    if (stopping_) return;

    if (n > 0 && (fds[1].revents & POLLIN)) {
      std::uint64_t drained = 0;
      [[maybe_unused]] auto r = ::read(wake_fd_, &drained, sizeof drained);
      std::vector<std::vector<std::string>> cmds;
      {
        std::lock_guard lock(mutex_);
        cmds.swap(pending_);
      }
      for (const auto& cmd : cmds) detail::append(c, cmd);
      if (!cmds.empty() && !flush(c)) return;
    }

    if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      // One read(); poll said it will not block. EOF or error ends the session.
      if (redisBufferRead(c) != REDIS_OK) return;
      last_rx = clock::now();
      ping_outstanding = false;
      for (;;) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return;  // protocol error
        if (raw == nullptr) break;
        detail::reply_ptr r(static_cast<redisReply*>(raw));
        if (r->type == REDIS_REPLY_ERROR) {
          mc::log::warn("redis subscriber error reply", {{"error", std::string(r->str, r->len)}});
          continue;
        }
        if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) continue;
        auto str = [&](std::size_t i) {
          const redisReply* e = r->element[i];
          return e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS
                     ? std::string_view(e->str, e->len)
                     : std::string_view();
        };
        std::string_view kind = str(0);
        std::string_view channel;
        std::string_view payload;
        if (kind == "message" && r->elements == 3) {
          channel = str(1);
          payload = str(2);
        } else if (kind == "pmessage" && r->elements == 4) {
          channel = str(2);
          payload = str(3);
        } else {
          {
            std::lock_guard lock(mutex_);
            std::string name(str(1));
            if (kind == "subscribe") confirmed_channels_.insert(name);
            if (kind == "psubscribe") confirmed_patterns_.insert(name);
            if (kind == "unsubscribe") confirmed_channels_.erase(name);
            if (kind == "punsubscribe") confirmed_patterns_.erase(name);
          }
          subscribed_cv_.notify_all();
          continue;  // also "pong"
        }
        ++messages_;
        try {
          on_message_(channel, payload);
        } catch (const std::exception& e) {
          mc::log::error("redis subscriber callback threw", {{"error", e.what()}});
        } catch (...) {
          mc::log::error("redis subscriber callback threw", {{"error", "unknown exception"}});
        }
      }
    }

    const auto now = clock::now();
    if (ping_outstanding && now - ping_sent >= interval) {
      mc::log::warn("redis subscriber health check timed out");
      return;
    }
    if (!ping_outstanding && now - last_rx >= interval) {
      detail::append(c, {"PING"});
      if (!flush(c)) return;
      ping_outstanding = true;
      ping_sent = now;
    }
  }
}

}  // namespace mc::redis
