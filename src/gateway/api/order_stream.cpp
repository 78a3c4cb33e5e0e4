#include "gateway/api/order_stream.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>

#include "common/http/websocket.h"
#include "common/log/log.h"

namespace mc::gateway::api {

namespace {
constexpr std::string_view channel_prefix = "orders:";
}  // namespace

// One connected WebSocket. The subscriber thread queues events under `mutex` and wakes the
// client's writer by cancelling its timer on the connection's executor.
struct order_stream::client {
  client(std::string u, net::any_io_executor ex) : user(std::move(u)), wake(ex) {
    wake.expires_at(net::steady_timer::time_point::max());
  }
  std::string user;
  net::steady_timer wake;
  std::mutex mutex;
  std::deque<std::shared_ptr<const std::string>> queue;
  bool overflowed = false;
  bool closed = false;
};

order_stream::order_stream(std::string redis_url, order_stream_options options)
    : redis_url_(std::move(redis_url)),
      options_(options),
      clients_gauge_(metrics::default_registry().gauge("gateway_ws_order_clients",
                                                       "Connected /ws/orders clients")),
      delivered_(metrics::default_registry().counter("gateway_ws_order_events_total",
                                                     "Order events queued to /ws/orders clients")),
      dropped_clients_(metrics::default_registry().counter(
          "gateway_ws_order_slow_clients_closed_total",
          "/ws/orders clients closed for falling too far behind")) {}

order_stream::~order_stream() {
  stop();
}

void order_stream::start() {
  reader_ = std::make_unique<redis::stream_reader>(
      redis_url_, "events:orders", "$",
      [this](const std::vector<redis::stream_entry>& batch) { on_batch(batch); },
      [this](const std::string&, const std::string&) { on_gap(); });
}

void order_stream::on_batch(const std::vector<redis::stream_entry>& batch) {
  for (const auto& e : batch) {
    if (e.seq != 0 && e.seq <= last_seq_) continue;  // a repeat from the at-least-once relay
    last_seq_ = std::max(last_seq_, e.seq);
    on_message(e.channel, e.payload);
  }
}

// Events this gateway never read are gone from the stream: every client is told, and its
// user_seq will jump; GET /api/orders has the truth.
void order_stream::on_gap() {
  std::lock_guard lock(mutex_);
  for (auto& [user, list] : by_user_) {
    for (auto& c : list) {
      {
        std::lock_guard cl(c->mutex);
        c->queue.push_back(std::make_shared<const std::string>(
            R"({"event":"gap","message":"events may be missing: re-read GET /api/orders"})"));
      }
      net::post(c->wake.get_executor(), [c] { c->wake.cancel(); });
    }
  }
}

void order_stream::stop() {
  if (reader_) reader_->stop();
  std::lock_guard lock(mutex_);
  for (auto& [user, list] : by_user_) {
    for (auto& c : list) {
      std::lock_guard cl(c->mutex);
      c->closed = true;
      net::post(c->wake.get_executor(), [c] { c->wake.cancel(); });
    }
  }
}

bool order_stream::wait_subscribed(std::chrono::milliseconds timeout) {
  return reader_ && reader_->wait_reading(timeout);
}

std::size_t order_stream::clients() const {
  std::lock_guard lock(mutex_);
  return client_count_;
}

void order_stream::add_route(http::router& r, http::ws_authorize authorize) {
  r.add_websocket(
      "/ws/orders", [this](http::websocket_ptr ws, http::request& req) { return serve(ws, req); },
      std::move(authorize));
}

void order_stream::on_message(std::string_view channel, std::string_view payload) {
  if (channel.substr(0, channel_prefix.size()) != channel_prefix) return;
  const std::string user(channel.substr(channel_prefix.size()));
  std::vector<client_ptr> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = by_user_.find(user);
    if (it == by_user_.end()) return;
    targets = it->second;
  }
  auto event = std::make_shared<const std::string>(payload);
  for (const auto& c : targets) {
    {
      std::lock_guard cl(c->mutex);
      if (c->closed || c->overflowed) continue;
      if (c->queue.size() >= options_.client_queue_max) {
        c->overflowed = true;
        c->queue.clear();
      } else {
        c->queue.push_back(event);
        delivered_.inc();
      }
    }
    net::post(c->wake.get_executor(), [c] { c->wake.cancel(); });
  }
}

void order_stream::remove(const client_ptr& c) {
  std::lock_guard lock(mutex_);
  auto it = by_user_.find(c->user);
  if (it == by_user_.end()) return;
  std::erase(it->second, c);
  if (it->second.empty()) by_user_.erase(it);
  --client_count_;
  clients_gauge_.set(static_cast<double>(client_count_));
}

net::awaitable<void> order_stream::serve(http::websocket_ptr ws, http::request& req) {
  auto c = std::make_shared<client>(req.principal, ws->get_executor());
  {
    std::lock_guard lock(mutex_);
    by_user_[c->user].push_back(c);
    ++client_count_;
    clients_gauge_.set(static_cast<double>(client_count_));
  }
  // A reader keeps heartbeats answered and notices the peer leaving.
  net::co_spawn(
      ws->get_executor(),
      [ws, c]() -> net::awaitable<void> {
        for (;;) {
          auto next = ws->read_text();
          std::optional<std::string> msg = co_await std::move(next);
          if (!msg) break;
        }
        std::lock_guard cl(c->mutex);
        c->closed = true;
        c->wake.cancel();
      },
      net::detached);

  std::string hello = R"({"event":"subscribed","user_id":")";
  hello.append(c->user).append("\"}");
  auto greeted = ws->send_text(std::move(hello));
  co_await std::move(greeted);

  for (;;) {
    std::deque<std::shared_ptr<const std::string>> batch;
    bool overflowed = false, closed = false;
    {
      std::lock_guard cl(c->mutex);
      batch.swap(c->queue);
      overflowed = c->overflowed;
      closed = c->closed;
    }
    if (closed) break;
    if (overflowed) {
      dropped_clients_.inc();
      auto bye = ws->close(1008, "too slow: reconnect and re-read GET /api/orders");
      co_await std::move(bye);
      break;
    }
    bool ok = true;
    for (const auto& e : batch) {
      auto sent = ws->send_text(*e);
      ok = co_await std::move(sent);
      if (!ok) break;
    }
    if (!ok || !ws->is_open()) break;
    if (batch.empty()) {
      c->wake.expires_at(net::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await c->wake.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  }
  remove(c);
}

}  // namespace mc::gateway::api
