// Threads: the subscriber thread runs on_message → deliver, which queues the quote to every
// client and posts a few tasks that start the writes of idle clients on their strands; each
// write's completion (on the strand) writes what became pending meanwhile, all of it in one
// gather write; a resync thread reloads the snapshot.
#include "gateway/market/quote_hub.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <stdexcept>
#include <variant>

#include "common/http/websocket.h"
#include "common/io/event_loops.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/redis/client.h"
#include "gateway/market/client_request.h"

namespace mc::gateway::market {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;

namespace {
struct hub_metrics {
  metrics::gauge& clients;
  metrics::counter& sent;
  metrics::counter& coalesced;
  metrics::counter& dropped;
  metrics::counter& slow_closed;
  metrics::counter& writes;
};
hub_metrics& m() {
  auto& r = metrics::default_registry();
  static hub_metrics hm{
      r.gauge("mc_gateway_ws_quote_clients", "Connected /ws/quotes clients"),
      r.counter("mc_gateway_ws_quote_messages_sent_total", "Quote frames written to clients"),
      r.counter("mc_gateway_ws_quote_coalesced_total",
                "Quotes replaced by a newer one of their symbol before they were sent"),
      r.counter("mc_gateway_ws_quote_dropped_total",
                "Quotes dropped from a full client queue (more symbols than slots)"),
      r.counter("mc_gateway_ws_quote_slow_closed_total", "Clients closed for staying behind"),
      r.counter("mc_gateway_ws_quote_writes_total",
                "Socket writes of quote frames (the frames pending for a client go out in one)")};
  return hm;
}
constexpr std::uint16_t policy_violation = 1008;
}  // namespace

struct quote_hub::session {
  session(quote_hub& h, http::websocket_ptr w, std::size_t limit, std::uint64_t all)
      : hub(h),
        ws(std::move(w)),
        strand(ws->get_executor()),
        loop(ws->get_inner_executor()),
        loop_key(io::loop_of(loop)),
        queue(limit),
        mask(all) {}
  quote_hub& hub;
  http::websocket_ptr ws;
  // The connection's strand, kept at hand: reaching it through the websocket every quote is
  // a chain of cold pointers per client.
  const net::any_io_executor strand;
  const net::any_io_executor loop;  // the event loop the connection lives on…
  const void* const loop_key;       // …and its identity (io/event_loops.h)
  std::mutex mutex;                 // guards the fields below
  send_queue queue;
  // A write is in flight or its start is on its way to the strand: whoever queues a quote
  // then leaves it to that write's completion, which takes everything pending.
  bool busy = false;
  bool closing = false;
  std::optional<steady::time_point> writing_since;  // the write in progress began then
  std::atomic<std::uint64_t> mask;                  // bit i: symbol i wanted
  std::size_t slot = 0;            // index in quote_hub::clients_ (under the hub's mutex)
  std::vector<payload_ptr> batch;  // the frames being written (strand only)
};

quote_hub::quote_hub(quote_hub_options options)
    : options_(std::move(options)),
      latest_(options_.symbols.size()),
      delivery_list_(std::make_shared<const std::vector<std::shared_ptr<session>>>()) {
  if (options_.symbols.empty() || options_.symbols.size() > 64) {
    throw std::invalid_argument("quote_hub: 1..64 symbols expected");
  }
  if (!redis::parse_url(options_.redis_url)) {
    throw std::invalid_argument("bad Redis URL: " + options_.redis_url);
  }
  m();
  subscriber_ = std::make_unique<redis::subscriber>(
      options_.redis_url,
      [this](std::string_view ch, std::string_view payload) { on_message(ch, payload); });
  subscriber_->psubscribe({options_.channel_prefix + "*"});
  resync_thread_ = std::thread([this] { resync_loop(); });
}

quote_hub::~quote_hub() {
  stop();
}

void quote_hub::stop() {
  {
    std::lock_guard lock(resync_mutex_);
    stopping_ = true;
  }
  resync_cv_.notify_all();
  if (resync_thread_.joinable()) resync_thread_.join();
  if (subscriber_) subscriber_->stop();
}

bool quote_hub::wait_ready(std::chrono::milliseconds timeout) {
  auto deadline = steady::now() + timeout;
  if (!subscriber_->wait_subscribed(timeout)) return false;
  while (snapshot_loads_.load() == 0) {
    if (steady::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::optional<std::uint32_t> quote_hub::index_of(std::string_view symbol) const {
  const auto& s = options_.symbols;
  auto it = std::find(s.begin(), s.end(), symbol);
  if (it == s.end()) return std::nullopt;
  return static_cast<std::uint32_t>(it - s.begin());
}

payload_ptr quote_hub::latest(const std::string& symbol) const {
  auto idx = index_of(symbol);
  if (!idx) return nullptr;
  std::lock_guard lock(mutex_);
  return latest_[*idx];
}

quote_hub_stats quote_hub::stats() const {
  std::size_t n = 0;
  {
    std::lock_guard lock(mutex_);
    n = clients_.size();
  }
  return {n,
          sent_.load(),
          coalesced_.load(),
          dropped_.load(),
          slow_closed_.load(),
          snapshot_loads_.load(),
          max_queue_seen_.load(),
          writes_.load()};
}

void quote_hub::on_message(std::string_view channel, std::string_view payload) {
  if (!channel.starts_with(options_.channel_prefix)) return;
  auto idx = index_of(channel.substr(options_.channel_prefix.size()));
  if (!idx) return;  // a symbol this gateway does not serve
  deliver(*idx, std::make_shared<const std::string>(payload));
}

void quote_hub::deliver(std::uint32_t idx, payload_ptr payload) {
  std::shared_ptr<const std::vector<std::shared_ptr<session>>> clients;
  {
    // Updating the cache and taking the client list together keeps each client's stream
    // ordered against the snapshot it got in attach().
    std::lock_guard lock(mutex_);
    latest_[idx] = payload;
    if (clients_changed_) {
      delivery_list_ = std::make_shared<const std::vector<std::shared_ptr<session>>>(clients_);
      clients_changed_ = false;
    }
    clients = delivery_list_;
  }
  // Queue the quote to every client (here, on the subscriber thread: cheap, and in order);
  // the clients whose writer is idle are started by a few tasks on their own event loops,
  // each walking a chunk of them, instead of one wake-up per client.
  struct loop_group {
    const void* key;
    net::any_io_executor loop;
    std::shared_ptr<std::vector<std::shared_ptr<session>>> idle;
  };
  std::vector<loop_group> groups;  // one per event loop: a handful
  const auto now = steady::now();
  for (const auto& s : *clients) {
    if (!enqueue(s, idx, payload, now)) continue;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const loop_group& x) { return x.key == s->loop_key; });
    if (g == groups.end()) {
      groups.push_back(
          {s->loop_key, s->loop, std::make_shared<std::vector<std::shared_ptr<session>>>()});
      g = groups.end() - 1;
    }
    g->idle->push_back(s);
  }
  constexpr std::size_t chunk = 256;
  for (const auto& g : groups) {
    for (std::size_t begin = 0; begin < g.idle->size(); begin += chunk) {
      const std::size_t end = std::min(g.idle->size(), begin + chunk);
      net::post(g.loop, [idle = g.idle, begin, end] {
        // On the clients' own loop, dispatching onto an idle strand runs the start inline.
        for (std::size_t i = begin; i < end; ++i) {
          auto& s = (*idle)[i];
          const auto& strand = s->strand;
          net::dispatch(strand, [s = std::move(s)]() mutable { s->hub.write_next(s); });
        }
      });
    }
  }
}

bool quote_hub::enqueue(const std::shared_ptr<session>& sp, std::uint32_t idx, payload_ptr p,
                        steady::time_point now) {
  auto& s = *sp;
  if (!(s.mask.load(std::memory_order_relaxed) & (std::uint64_t{1} << idx))) return false;
  bool start = false;
  bool close_slow = false;
  {
    std::lock_guard lock(s.mutex);
    if (s.closing) return false;
    switch (s.queue.push(idx, std::move(p))) {
      case send_queue::push_result::queued:
        break;
      case send_queue::push_result::coalesced:
        coalesced_.fetch_add(1, std::memory_order_relaxed);
        m().coalesced.inc();
        break;
      case send_queue::push_result::dropped_oldest:
        dropped_.fetch_add(1, std::memory_order_relaxed);
        m().dropped.inc();
        break;
    }
    std::size_t size = s.queue.size();
    std::size_t seen = max_queue_seen_.load(std::memory_order_relaxed);
    while (size > seen && !max_queue_seen_.compare_exchange_weak(seen, size)) {
    }
    if (s.writing_since && now - *s.writing_since >= options_.slow_client_timeout_ms) {
      s.closing = true;
      close_slow = true;
    } else if (!s.busy) {
      s.busy = true;
      start = true;
    }
  }
  if (close_slow) {
    slow_closed_.fetch_add(1, std::memory_order_relaxed);
    m().slow_closed.inc();
    net::co_spawn(s.ws->get_executor(), close_too_slow(s.ws), net::detached);
  }
  return start;
}

net::awaitable<void> quote_hub::close_too_slow(http::websocket_ptr ws) {
  co_await ws->close(policy_violation, "client too slow");
  // A write blocked on a peer that stopped reading would keep the close queued.
  if (ws->is_open()) ws->abort();
}

// On the client's strand: writes everything pending in one batch, or marks the writer idle.
void quote_hub::write_next(const std::shared_ptr<session>& s) {
  for (;;) {
    {
      std::lock_guard lock(s->mutex);
      s->batch.clear();
      if (!s->closing) {
        while (auto next = s->queue.pop()) s->batch.push_back(std::move(*next));
      }
      if (s->batch.empty()) {
        s->busy = false;
        s->writing_since.reset();
        return;
      }
    }
    if (!s->ws->send_frames(s->batch, s, &quote_hub::on_written)) break;
    // Written at once (the usual case): whatever came meanwhile goes next.
    count_written(s->batch.size());
  }
  // The write is in progress (blocked on the peer, or behind one of Beast's): from now on a
  // new quote checks how long it has been blocked. on_written() continues.
  std::lock_guard lock(s->mutex);
  if (!s->writing_since) s->writing_since = steady::now();
}

void quote_hub::count_written(std::size_t frames) {
  sent_.fetch_add(frames, std::memory_order_relaxed);
  writes_.fetch_add(1, std::memory_order_relaxed);
  m().sent.inc(frames);
  m().writes.inc();
}

void quote_hub::on_written(std::shared_ptr<void>& owner, bool ok) {
  auto s = std::static_pointer_cast<session>(owner);
  auto& hub = s->hub;
  if (ok) {
    hub.count_written(s->batch.size());
  } else {
    std::lock_guard lock(s->mutex);
    s->closing = true;  // the connection is gone; the reader ends and detaches
  }
  s->batch.clear();
  {
    std::lock_guard lock(s->mutex);
    s->writing_since.reset();
  }
  hub.write_next(s);
}

void quote_hub::attach(const std::shared_ptr<session>& s) {
  std::lock_guard lock(mutex_);
  s->slot = clients_.size();
  clients_.push_back(s);
  clients_changed_ = true;
  std::lock_guard slock(s->mutex);
  s->busy = true;  // the caller's write_next() sends the snapshot, then whatever followed
  for (std::uint32_t i = 0; i < latest_.size(); ++i) {
    if (latest_[i]) s->queue.push(i, latest_[i]);
  }
}

void quote_hub::detach(const std::shared_ptr<session>& s) {
  std::lock_guard lock(mutex_);
  const std::size_t slot = s->slot;
  if (slot >= clients_.size() || clients_[slot] != s) return;
  clients_[slot] = std::move(clients_.back());
  clients_[slot]->slot = slot;
  clients_.pop_back();
  clients_changed_ = true;
}

bool quote_hub::load_snapshot() {
  redis::client c(options_.redis_url);
  auto r = c.command({"HGETALL", options_.snapshot_key});
  if (!r.ok() || r.type != redis::reply_type::array) return false;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    auto idx = index_of(r.elements[i].str);
    if (!idx) continue;
    auto fresh = std::make_shared<const std::string>(std::move(r.elements[i + 1].str));
    payload_ptr current;
    {
      std::lock_guard lock(mutex_);
      current = latest_[*idx];
    }
    // Only changes go out, so a resync does not repeat quotes clients already have.
    if (!current || *current != *fresh) deliver(*idx, std::move(fresh));
  }
  snapshot_loads_.fetch_add(1);
  return true;
}

void quote_hub::resync_loop() {
  std::uint64_t seen_reconnects = 0;
  bool loaded = false;
  std::unique_lock lock(resync_mutex_);
  while (!stopping_) {
    auto reconnects = subscriber_->reconnects();
    // Load only once subscribed, so no quote falls between the snapshot and the stream.
    if ((!loaded || reconnects != seen_reconnects) && subscriber_->connected()) {
      lock.unlock();
      bool ok = load_snapshot();
      lock.lock();
      if (ok) {
        loaded = true;
        seen_reconnects = reconnects;
      }
    }
    resync_cv_.wait_for(lock, options_.resync_interval_ms, [this] { return stopping_; });
  }
}

void quote_hub::add_routes(http::router& r, const http::filter_list& rest_filters) {
  r.add(
      "GET", "/api/quotes",
      [this](http::request& req) -> net::awaitable<http::response> {
        auto symbol = req.find_query_param("symbol");
        if (symbol) {
          auto idx = index_of(*symbol);
          if (!idx) {
            co_return http::error_response(400, "INVALID_SYMBOL", "unknown symbol: " + *symbol,
                                           req.request_id);
          }
          auto p = latest(*symbol);
          if (!p) {
            co_return http::error_response(503, "SERVICE_UNAVAILABLE",
                                           "no quote yet for " + *symbol, req.request_id);
          }
          co_return http::json_response(200, *p);
        }
        std::string body = "{\"quotes\":[";
        bool first = true;
        {
          std::lock_guard lock(mutex_);
          for (const auto& p : latest_) {
            if (!p) continue;
            if (!first) body += ',';
            body += *p;
            first = false;
          }
        }
        body += "]}";
        co_return http::json_response(200, std::move(body));
      },
      rest_filters);

  r.add_websocket("/ws/quotes",
                  [this](http::websocket_ptr ws, http::request&) -> net::awaitable<void> {
                    std::uint64_t all = options_.symbols.size() == 64
                                            ? ~std::uint64_t{0}
                                            : (std::uint64_t{1} << options_.symbols.size()) - 1;
                    if (options_.socket_send_buffer_bytes > 0) {
                      ws->set_send_buffer_size(options_.socket_send_buffer_bytes);
                    }
                    auto s = std::make_shared<session>(*this, ws, options_.client_queue_limit, all);
                    attach(s);
                    m().clients.inc();
                    write_next(s);  // the snapshot (attach() marked the writer busy)
                    // The reader handles subscribe requests and keeps the heartbeat alive.
                    while (auto msg = co_await ws->read_text()) {
                      auto parsed = parse_client_request(*msg, options_.symbols);
                      if (auto* e = std::get_if<request_error>(&parsed)) {
                        co_await ws->send_text(error_frame(*e));
                        continue;
                      }
                      std::uint64_t mask = 0;
                      for (const auto& sym : std::get<subscribe_request>(parsed).symbols) {
                        mask |= std::uint64_t{1} << *index_of(sym);
                      }
                      s->mask.store(mask);
                    }
                    detach(s);
                    m().clients.dec();
                    std::lock_guard lock(s->mutex);
                    s->closing = true;  // a write in flight ends the writer when it completes
                  });
}

}  // namespace mc::gateway::market
