// async_client over pipelined connections: picks the least busy one, turns the coroutine's
// completion handler into a pending_request, and does EVALSHA's NOSCRIPT fallback.
#include "common/redis/async_client.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <optional>
#include <stdexcept>
#include <thread>

#include "common/io/event_loops.h"
#include "common/redis/pipelined_connection.h"

namespace mc::redis {

namespace {

// Resumes the coroutine on its own executor, never on the connection's strand. The tracked
// executor keeps the caller's io_context running while the command is out.
template <class Handler>
struct handler_request final : detail::pending_request {
  explicit handler_request(Handler h)
      : executor(
            net::prefer(net::get_associated_executor(h), net::execution::outstanding_work.tracked)),
        handler(std::move(h)) {}
  void complete(std::vector<reply> replies) override {
    net::post(executor, [h = std::move(handler), r = std::move(replies)]() mutable {
      std::move(h)(std::move(r));
    });
  }
  std::decay_t<decltype(net::prefer(std::declval<net::associated_executor_t<Handler>>(),
                                    net::execution::outstanding_work.tracked))>
      executor;
  Handler handler;
};

// For commands nobody waits on: the replies are dropped (an error is logged by no one; the
// caller chose not to care, e.g. a lock that also expires on its own).
struct discarded_request final : detail::pending_request {
  void complete(std::vector<reply>) override {}
};

bool is_noscript(const reply& r) {
  return r.type == reply_type::error && r.str.rfind("NOSCRIPT", 0) == 0;
}

}  // namespace

struct async_client::impl {
  // Only when the client runs its own thread.
  std::unique_ptr<net::io_context> own_io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> own_work;
  std::thread own_thread;

  std::vector<std::unique_ptr<detail::pipelined_connection>> connections;
  std::vector<const void*> loop_of_connection;  // the event loop connections[i] runs on
  std::atomic<std::size_t> next{0};

  // At least one connection per executor, dealt out over the executors in turn.
  void open(const std::vector<net::any_io_executor>& executors, const std::string& url,
            const async_client_options& o) {
    if (o.connections == 0) throw std::invalid_argument("redis async_client needs connections > 0");
    if (executors.empty()) throw std::invalid_argument("redis async_client needs an executor");
    auto ep = parse_url(url);
    if (!ep) throw std::invalid_argument("invalid redis URL (want redis://host:port[/db]): " + url);
    const std::size_t n = std::max(o.connections, executors.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto& ex = executors[i % executors.size()];
      connections.push_back(std::make_unique<detail::pipelined_connection>(ex, *ep, o));
      loop_of_connection.push_back(io::loop_of(ex));
    }
  }

  // The least busy connection on the caller's event loop (its reply is then read by the
  // thread that waits for it), else the least busy of all; ties go round-robin so idle
  // connections all get used.
  detail::pipelined_connection& pick(const void* caller_loop) {
    const std::size_t n = connections.size();
    const std::size_t start = next.fetch_add(1, std::memory_order_relaxed);
    detail::pipelined_connection* best = nullptr;
    for (int pass = 0; pass < 2 && !best; ++pass) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = (start + i) % n;
        if (pass == 0 && loop_of_connection[k] != caller_loop) continue;
        auto* c = connections[k].get();
        if (!best || c->load() < best->load()) best = c;
        if (best->load() == 0) break;
      }
    }
    return *best;
  }

  detail::pipelined_connection& pick(std::optional<std::size_t> affinity, const void* caller_loop) {
    return affinity ? *connections[*affinity % connections.size()] : pick(caller_loop);
  }

  // Sends `count` commands already in RESP; completes with `count` replies.
  net::awaitable<std::vector<reply>> run(std::string wire, std::size_t count,
                                         std::optional<std::size_t> affinity = std::nullopt) {
    return net::async_initiate<const net::use_awaitable_t<>&, void(std::vector<reply>)>(
        [this, affinity](auto handler, std::string w, std::size_t n) {
          // With an affinity the key's connection is taken whatever the caller's loop.
          const void* caller_loop =
              affinity ? nullptr : io::loop_of(net::get_associated_executor(handler));
          auto r = std::make_unique<handler_request<decltype(handler)>>(std::move(handler));
          r->wire = std::move(w);
          r->count = n;
          pick(affinity, caller_loop).submit(std::move(r));
        },
        net::use_awaitable, std::move(wire), count);
  }
};

async_client::async_client(net::any_io_executor executor, const std::string& url,
                           async_client_options options)
    : async_client(std::vector<net::any_io_executor>{std::move(executor)}, url, options) {}

async_client::async_client(const std::vector<net::any_io_executor>& loops, const std::string& url,
                           async_client_options options)
    : impl_(std::make_unique<impl>()) {
  impl_->open(loops, url, options);
}

async_client::async_client(const std::string& url, async_client_options options)
    : impl_(std::make_unique<impl>()) {
  impl_->own_io = std::make_unique<net::io_context>(1);
  impl_->own_work.emplace(impl_->own_io->get_executor());
  impl_->open({impl_->own_io->get_executor()}, url, options);
  impl_->own_thread = std::thread([io = impl_->own_io.get()] { io->run(); });
}

async_client::~async_client() {
  for (auto& c : impl_->connections) c->close();
  impl_->connections.clear();
  if (impl_->own_io) {
    impl_->own_work.reset();  // run() returns once the closes have failed what was pending
    impl_->own_thread.join();
  }
}

net::awaitable<reply> async_client::command(std::vector<std::string> args) {
  if (args.empty()) co_return reply::error("ERR empty redis command");
  auto call = impl_->run(detail::encode_command(args), 1);
  std::vector<reply> r = co_await std::move(call);
  co_return std::move(r.front());
}

net::awaitable<reply> async_client::command_on(std::vector<std::string> args,
                                               std::size_t affinity) {
  if (args.empty()) co_return reply::error("ERR empty redis command");
  auto call = impl_->run(detail::encode_command(args), 1, affinity);
  std::vector<reply> r = co_await std::move(call);
  co_return std::move(r.front());
}

void async_client::send_on(const std::vector<std::string>& args, std::size_t affinity) {
  if (args.empty()) return;
  auto r = std::make_unique<discarded_request>();
  r->wire = detail::encode_command(args);
  r->count = 1;
  impl_->pick(affinity, nullptr).submit(std::move(r));
}

net::awaitable<std::vector<reply>> async_client::pipeline(
    std::vector<std::vector<std::string>> cmds) {
  if (cmds.empty()) co_return std::vector<reply>{};
  std::string wire;
  for (const auto& c : cmds) {
    if (c.empty())
      co_return std::vector<reply>(cmds.size(), reply::error("ERR empty redis command"));
    wire += detail::encode_command(c);
  }
  auto call = impl_->run(std::move(wire), cmds.size());
  co_return co_await std::move(call);
}

net::awaitable<reply> async_client::eval(const script& s, std::vector<std::string> keys,
                                         std::vector<std::string> args) {
  return eval_via(s, std::move(keys), std::move(args), std::nullopt);
}

net::awaitable<reply> async_client::eval_on(const script& s, std::vector<std::string> keys,
                                            std::vector<std::string> args, std::size_t affinity) {
  return eval_via(s, std::move(keys), std::move(args), affinity);
}

net::awaitable<reply> async_client::eval_via(const script& s, std::vector<std::string> keys,
                                             std::vector<std::string> args,
                                             std::optional<std::size_t> affinity) {
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back("EVALSHA");
  cmd.push_back(s.sha1());
  cmd.push_back(std::to_string(keys.size()));
  for (auto& k : keys) cmd.push_back(std::move(k));
  for (auto& a : args) cmd.push_back(std::move(a));
  std::string source = s.source();  // copied before the first suspension
  auto first = affinity ? command_on(cmd, *affinity) : command(cmd);
  reply r = co_await std::move(first);
  if (is_noscript(r)) {
    // The script cache was flushed (Redis restarted): EVAL runs it and caches it again.
    cmd[0] = "EVAL";
    cmd[1] = std::move(source);
    auto second = affinity ? command_on(std::move(cmd), *affinity) : command(std::move(cmd));
    r = co_await std::move(second);
  }
  co_return r;
}

net::awaitable<bool> async_client::ping() {
  // Built outside the co_await: GCC 12 miscompiles string-literal braced lists inside one.
  std::vector<std::string> cmd{std::string("PING")};
  auto call = command(std::move(cmd));
  reply r = co_await std::move(call);
  co_return r.type == reply_type::status&& r.str == "PONG";
}

async_client_stats async_client::stats() const {
  async_client_stats s;
  for (const auto& c : impl_->connections) {
    s.queued += c->load();
    s.rejected += c->rejected();
  }
  return s;
}

}  // namespace mc::redis
