// The pipelined connection: callbacks bound to one strand (no locks), a generation number so
// that the completions of a dropped socket cannot touch its successor.
#include "common/redis/pipelined_connection.h"

#include <hiredis/hiredis.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <utility>

#include "common/log/log.h"
#include "common/redis/hiredis_util.h"

namespace mc::redis::detail {

namespace {

using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct reader_deleter {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};
using reader_ptr = std::unique_ptr<redisReader, reader_deleter>;

// AUTH / SELECT sent first on a new connection: a refusal drops the connection.
struct setup_request final : pending_request {
  std::string what;
  std::function<void(std::string)> on_refused;
  void complete(std::vector<reply> replies) override {
    if (!replies.empty() && replies.front().type == reply_type::error &&
        !replies.front().connection_error) {
      on_refused("redis " + what + " failed: " + replies.front().str);
    }
  }
};

}  // namespace

std::string encode_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) {
    out.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
  }
  return out;
}

struct pipelined_connection::state : std::enable_shared_from_this<state> {
  state(net::any_io_executor ex, endpoint e, async_client_options o)
      : strand(net::make_strand(ex)),
        ep(std::move(e)),
        options(o),
        socket(strand),
        resolver(strand),
        watchdog(strand) {}

  struct in_flight {
    std::unique_ptr<pending_request> request;
    clock_type::time_point deadline;
  };
  enum class phase { idle, connecting, ready, closed };

  net::strand<net::any_io_executor> strand;
  endpoint ep;
  async_client_options options;
  tcp::socket socket;
  tcp::resolver resolver;
  net::steady_timer watchdog;
  bool watchdog_armed = false;
  phase current = phase::idle;
  std::uint64_t generation = 0;  // bumped whenever the socket is dropped
  std::deque<in_flight> outbox;  // not yet handed to a write
  std::deque<in_flight> sent;    // written (or being written), awaiting replies in order
  std::vector<reply> collected;  // replies so far for sent.front()
  bool writing = false;
  std::string write_buffer;
  std::array<char, 16 * 1024> read_buffer{};
  reader_ptr reader;
  clock_type::time_point retry_after{};
  std::string last_connect_error;
  std::atomic<std::size_t> load{0};
  std::atomic<std::uint64_t> rejected{0};

  // --- on the strand from here on ---

  void finish(std::unique_ptr<pending_request> r, std::vector<reply> replies) {
    load.fetch_sub(1, std::memory_order_relaxed);
    r->complete(std::move(replies));
  }

  void refuse(std::unique_ptr<pending_request> r, const std::string& why) {
    rejected.fetch_add(1, std::memory_order_relaxed);
    const std::size_t n = r->count;
    finish(std::move(r), std::vector<reply>(n, reply::error(why, true)));
  }

  void enqueue(std::unique_ptr<pending_request> r) {
    if (current == phase::closed) return refuse(std::move(r), "ERR redis client shutting down");
    if (outbox.size() + sent.size() >= options.queue_max) {
      return refuse(std::move(r), "ERR redis queue full");
    }
    const auto now = clock_type::now();
    if (current == phase::idle) {
      if (now < retry_after) return refuse(std::move(r), last_connect_error);
      start_connect();
    }
    outbox.push_back(
        {std::move(r), now + options.queue_wait_ms + options.client.command_timeout_ms});
    flush();
  }

  void start_connect() {
    current = phase::connecting;
    reader.reset(redisReaderCreate());
    collected.clear();
    const std::uint64_t gen = generation;
    // The connect timeout covers resolving, connecting and the AUTH/SELECT replies.
    watchdog.expires_after(options.client.connect_timeout_ms);
    watchdog_armed = true;
    watchdog.async_wait(net::bind_executor(strand, [self = shared_from_this(), gen](auto ec) {
      if (gen != self->generation) return;  // a stale wait: the flag belongs to a newer one
      self->watchdog_armed = false;
      if (ec) return;
      if (self->current == phase::connecting)
        self->connect_failed("redis connect timed out");
      else
        self->check_deadlines();
    }));
    resolver.async_resolve(
        ep.host, std::to_string(ep.port),
        net::bind_executor(
            strand, [self = shared_from_this(), gen](const boost::system::error_code& ec,
                                                     tcp::resolver::results_type results) {
              if (gen != self->generation) return;
              if (ec)
                return self->connect_failed("redis resolve " + self->ep.host + ": " + ec.message());
              net::async_connect(
                  self->socket, results,
                  net::bind_executor(self->strand, [self, gen](const boost::system::error_code& cec,
                                                               const tcp::endpoint&) {
                    if (gen != self->generation) return;
                    if (cec) return self->connect_failed("redis connect: " + cec.message());
                    self->connected();
                  }));
            }));
  }

  void connected() {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    current = phase::ready;
    // AUTH and SELECT go first, in the same write as whatever is already queued.
    auto add_setup = [this](std::vector<std::string> cmd, std::string what) {
      auto s = std::make_unique<setup_request>();
      s->wire = encode_command(cmd);
      s->count = 1;
      s->what = std::move(what);
      s->on_refused = [weak = weak_from_this(), gen = generation](std::string why) {
        if (auto self = weak.lock(); self && self->generation == gen) self->connect_failed(why);
      };
      load.fetch_add(1, std::memory_order_relaxed);
      outbox.push_front({std::move(s), clock_type::now() + options.client.connect_timeout_ms});
    };
    if (ep.db != 0) add_setup({"SELECT", std::to_string(ep.db)}, "SELECT");
    if (!ep.password.empty()) add_setup({"AUTH", ep.password}, "AUTH");
    start_read();
    flush();
  }

  void connect_failed(const std::string& why) {
    last_connect_error = why;
    retry_after = clock_type::now() + options.client.reconnect_interval_ms;
    drop(why);
  }

  // Fails everything queued or in flight; the next request reconnects.
  void drop(const std::string& why) {
    if (current != phase::closed) current = phase::idle;
    ++generation;
    boost::system::error_code ignored;
    resolver.cancel();
    socket.close(ignored);
    watchdog.cancel();
    writing = false;
    collected.clear();
    if (!sent.empty() || !outbox.empty()) log::warn("redis connection dropped", {{"error", why}});
    auto failed = std::move(sent);
    for (auto& f : outbox) failed.push_back(std::move(f));
    sent.clear();
    outbox.clear();
    for (auto& f : failed) {
      const std::size_t n = f.request->count;
      finish(std::move(f.request), std::vector<reply>(n, reply::error(why, true)));
    }
  }

  void flush() {
    if (current != phase::ready || writing || outbox.empty()) return;
    write_buffer.clear();
    for (auto& f : outbox) {
      write_buffer.append(f.request->wire);
      sent.push_back(std::move(f));
    }
    outbox.clear();
    writing = true;
    arm_watchdog();
    net::async_write(
        socket, net::buffer(write_buffer),
        net::bind_executor(strand, [self = shared_from_this(), gen = generation](
                                       const boost::system::error_code& ec, std::size_t) {
          if (gen != self->generation) return;
          self->writing = false;
          if (ec) return self->drop("redis write: " + ec.message());
          self->flush();
        }));
  }

  void start_read() {
    socket.async_read_some(
        net::buffer(read_buffer),
        net::bind_executor(strand, [self = shared_from_this(), gen = generation](
                                       const boost::system::error_code& ec, std::size_t n) {
          if (gen != self->generation) return;
          if (ec) return self->drop("redis read: " + ec.message());
          if (!self->consume(n)) return;
          self->start_read();
        }));
  }

  // Parses what arrived and completes the requests it answers. False if the stream broke.
  bool consume(std::size_t n) {
    if (redisReaderFeed(reader.get(), read_buffer.data(), n) != REDIS_OK) {
      drop("redis protocol error");
      return false;
    }
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
        drop("redis protocol error");
        return false;
      }
      if (raw == nullptr) return true;
      reply_ptr r(static_cast<redisReply*>(raw));
      if (sent.empty()) {
        drop("redis reply without a request");
        return false;
      }
      collected.push_back(convert(r.get()));
      if (collected.size() < sent.front().request->count) continue;
      auto done = std::move(sent.front().request);
      sent.pop_front();
      finish(std::move(done), std::exchange(collected, {}));
      if (current != phase::ready) return false;  // a refused AUTH dropped the connection
    }
  }

  // One timer per connection, armed for the oldest request's deadline. A request that times
  // out drops the connection: its late answer must not reach the request after it.
  void arm_watchdog() {
    if (watchdog_armed || sent.empty()) return;
    watchdog_armed = true;
    watchdog.expires_at(sent.front().deadline);
    watchdog.async_wait(
        net::bind_executor(strand, [self = shared_from_this(), gen = generation](auto ec) {
          if (gen != self->generation) return;
          self->watchdog_armed = false;
          if (ec) return;
          self->check_deadlines();
        }));
  }

  void check_deadlines() {
    if (!sent.empty() && clock_type::now() >= sent.front().deadline) {
      return drop("redis command timed out");
    }
    arm_watchdog();
  }

  void close() {
    current = phase::closed;
    drop("ERR redis client shutting down");
  }
};

pipelined_connection::pipelined_connection(net::any_io_executor executor, endpoint ep,
                                           async_client_options options)
    : state_(std::make_shared<state>(std::move(executor), std::move(ep), options)) {}

pipelined_connection::~pipelined_connection() {
  close();
}

void pipelined_connection::submit(std::unique_ptr<pending_request> request) {
  state_->load.fetch_add(1, std::memory_order_relaxed);
  net::post(state_->strand,
            [s = state_, r = std::move(request)]() mutable { s->enqueue(std::move(r)); });
}

void pipelined_connection::close() {
  net::post(state_->strand, [s = state_] { s->close(); });
}

std::size_t pipelined_connection::load() const {
  return state_->load.load(std::memory_order_relaxed);
}

std::uint64_t pipelined_connection::rejected() const {
  return state_->rejected.load(std::memory_order_relaxed);
}

}  // namespace mc::redis::detail
