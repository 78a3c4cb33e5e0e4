// Threads of the ledger core. Engine thread: queue -> sequencer -> batch. Persister thread:
// batch -> one transaction -> answers. A commit failure stops the process (fail-stop): callers
// of uncommitted work are never told it succeeded, and a restart recovers committed state.
#include "tradeledger/core/ledger_core.h"

#include <pqxx/pqxx>

#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "common/log/log.h"
#include "common/money/decimal.h"
#include "common/pg/migrate.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/core/idempotency_records.h"
#include "tradeledger/core/json_out.h"
#include "tradeledger/core/quote_message.h"
#include "tradeledger/core/reads.h"
#include "tradeledger/core/recovery.h"
#include "tradeledger/core/render.h"

namespace mc::tradeledger {

namespace {

constexpr double batch_size_buckets[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
// Default depth of the order-book read when the caller passes none (depth <= 0).
constexpr int book_depth_default = 20;
// libpq's connect timeout for the engine thread's idempotency lookups (libpq's minimum is 2).
constexpr int lookup_connect_timeout_s = 2;

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

ledger_core::ledger_core(core_config config)
    : config_(std::move(config)),
      seq_(config_.engine, config_.house_liquidity),
      quote_normaliser_(config_.engine),
      queue_(config_.queue_max, config_.engine.markets.size()),
      batch_commands_(metrics::default_registry().histogram(
          "tradeledger_batch_commands", "Commands per engine batch", {}, batch_size_buckets)),
      commit_seconds_(metrics::default_registry().histogram("tradeledger_commit_seconds",
                                                            "Time to write and commit one batch")),
      queue_depth_(metrics::default_registry().gauge("tradeledger_queue_depth",
                                                     "Commands waiting for the engine thread")),
      commands_total_(metrics::default_registry().counter("tradeledger_commands_total",
                                                          "Commands applied by the engine")),
      rejected_busy_total_(metrics::default_registry().counter(
          "tradeledger_commands_refused_total", "Commands refused: queue full or stopping")),
      persist_retries_total_(metrics::default_registry().counter(
          "tradeledger_persist_retries_total",
          "Batch writes interrupted by a lost database connection (resolved, then retried)")),
      idempotency_lookups_total_(metrics::default_registry().counter(
          "tradeledger_idempotency_lookups_total",
          "Idempotency keys older than the memory window, answered by the database")) {
  if (config_.batch_max == 0 || config_.queue_max == 0) {
    throw std::invalid_argument("tradeledger: batch_max and queue_max must be positive");
  }
  if (config_.idempotency_window != 0 &&
      config_.idempotency_window < (batches_in_flight_max + 1) * config_.batch_max) {
    throw std::invalid_argument(
        "tradeledger: the idempotency window must hold the batches in flight: at least " +
        std::to_string((batches_in_flight_max + 1) * config_.batch_max) + " (or 0)");
  }
  seq_.bound_idempotency(
      config_.idempotency_window,
      [this](std::uint64_t user, const std::string& key) { return lookup_idempotency(user, key); });
}

// Engine thread: a key that left the memory window. Its own connection, opened on first use
// and dropped after an error (the next lookup reconnects), so the lookup never waits behind
// the read pool's queue. Every wait is bounded (connect timeout, statement timeout): the
// engine thread stands still meanwhile.
std::optional<idempotent_outcome> ledger_core::lookup_idempotency(std::uint64_t user,
                                                                  const std::string& key) {
  idempotency_lookups_total_.inc();
  try {
    if (!lookup_conn_) {
      lookup_conn_ = pg::connect_bounded(config_.postgres_url, lookup_connect_timeout_s,
                                         config_.read_statement_timeout_ms);
    }
    return read_idempotent_outcome(*lookup_conn_, user, key);
  } catch (...) {
    lookup_conn_.reset();
    throw;
  }
}

ledger_core::~ledger_core() {
  stop();
}

void ledger_core::start() {
  if (started_) throw std::logic_error("ledger_core::start called twice");
  started_ = true;
  writer_token_ = uuid_generator().next();
  // The writer lock first: no migration or recovery while another instance still writes.
  persister_ = acquire_writer();
  if (!config_.migrations_dir.empty()) {
    pg::migrate(config_.postgres_url, "tradeledger", config_.migrations_dir);
  }
  persister_->open();
  const recovery_summary r = recover(config_.postgres_url, seq_);
  log::info("tradeledger recovered", {{"users", std::to_string(r.users)},
                                      {"accounts", std::to_string(r.accounts)},
                                      {"open_orders", std::to_string(r.open_orders)},
                                      {"idempotency", std::to_string(r.idempotency_records)}});
  {
    // Publish the recovered book before anyone can read it.
    batch initial;
    seq_.begin_batch(initial);
    seq_.end_batch();
    std::lock_guard lock(view_mutex_);
    books_ = std::move(initial.books);
    marks_ = r.reference_prices;
  }
  pg::pool_config pc;
  pc.url = config_.postgres_url;
  pc.connections = config_.read_connections;
  pc.queue_max = config_.read_queue_max;
  pc.statement_timeout_ms = config_.read_statement_timeout_ms;
  reads_ = std::make_unique<pg::pool>(pc);

  if (!config_.redis_url.empty() && config_.run_outbox_relay) {
    outbox_relay_config rc;
    rc.postgres_url = config_.postgres_url;
    rc.redis_url = config_.redis_url;
    rc.batch_max = config_.outbox_batch_max;
    rc.poll_ms = config_.outbox_poll_ms;
    rc.backoff_max_ms = config_.outbox_backoff_max_ms;
    rc.stream_maxlen = config_.outbox_stream_maxlen;
    relay_ = std::make_unique<outbox_relay>(rc);
    relay_->start();
  }
  persister_thread_ = std::thread([this] { persister_loop(); });
  engine_thread_ = std::thread([this] { engine_loop(); });
  running_ = true;
  accepting_ = true;

  if (!config_.redis_url.empty() && config_.subscribe_quotes) {
    quotes_ = std::make_unique<redis::subscriber>(
        config_.redis_url,
        [this](std::string_view, std::string_view payload) { submit_quote(payload); });
    std::vector<std::string> channels;
    for (const auto& m : config_.engine.markets) channels.push_back("quotes:" + m.name);
    quotes_->subscribe(std::move(channels));
  }
}

void ledger_core::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  accepting_ = false;
  running_ = false;  // reads now refuse; the pool itself lives until the destructor
  stop_deadline_ns_ =
      (std::chrono::steady_clock::now() + config_.stop_timeout_ms).time_since_epoch().count();
  if (quotes_) quotes_->stop();
  queue_.close();  // the engine thread drains what is queued, then closes the persist queue
  if (engine_thread_.joinable()) engine_thread_.join();
  if (persister_thread_.joinable()) persister_thread_.join();
  persister_.reset();  // releases the writer lock
  if (relay_) relay_->stop(config_.stop_flush_timeout_ms);
  log::info("tradeledger core stopped");
}

bool ledger_core::submit_quote(std::string_view payload) {
  const auto q = parse_quote_message(payload);
  if (!q) return false;
  const auto tick =
      quote_normaliser_.make_tick(q->symbol, q->bid, q->ask, q->bid_size, q->ask_size, q->stale);
  if (!tick) return false;
  queue_.post_tick(*tick);
  return true;
}

// ---- engine thread ----

void ledger_core::engine_loop() {
  std::vector<queued_command> commands;
  std::vector<engine::quote_tick> ticks;
  commands.reserve(config_.batch_max);
  for (;;) {
    {
      // Pipelining bound: at most batches_in_flight_max batches applied but uncommitted (one
      // being written, the rest queued). Wait for room BEFORE taking the next batch, so while
      // the database is busy the commands pile up and the next batch is larger.
      std::unique_lock lock(persist_mutex_);
      persist_cv_.wait(lock, [&] { return persist_queue_.size() + 1 < batches_in_flight_max; });
    }
    if (!queue_.pop(config_.batch_max, commands, ticks)) break;
    auto job = std::make_unique<batch_job>();
    job->rows.results.reserve(commands.size());
    job->done.reserve(commands.size());
    seq_.begin_batch(job->rows);
    for (const auto& t : ticks) seq_.quote(t);
    for (auto& c : commands) {
      job->rows.results.push_back(
          std::visit(overloaded{[&](const place_order_request& r) { return seq_.place(r); },
                                [&](const cancel_order_request& r) { return seq_.cancel(r); },
                                [&](const replace_order_request& r) { return seq_.replace(r); },
                                [&](const topup_request& r) { return seq_.topup(r); }},
                     c.request));
      job->done.push_back(std::move(c.done));
    }
    seq_.end_batch();
    batch_commands_.observe(static_cast<double>(commands.size()));
    commands_total_.inc(commands.size());
    queue_depth_.set(static_cast<double>(queue_.depth()));
    commands.clear();
    ticks.clear();
    {
      std::lock_guard lock(persist_mutex_);  // room was reserved above; only this thread pushes
      persist_queue_.push_back(std::move(job));
    }
    persist_cv_.notify_all();
  }
  {
    std::lock_guard lock(persist_mutex_);
    persist_closed_ = true;
  }
  persist_cv_.notify_all();
}

// ---- persister thread ----

void ledger_core::persister_loop() {
  for (;;) {
    std::unique_ptr<batch_job> job;
    {
      std::unique_lock lock(persist_mutex_);
      persist_cv_.wait(lock, [&] { return persist_closed_ || !persist_queue_.empty(); });
      if (persist_queue_.empty()) return;  // closed and drained
      job = std::move(persist_queue_.front());
      persist_queue_.pop_front();
    }
    persist_cv_.notify_all();
    if (abandoned_) {  // an earlier batch went unconfirmed: this one was never sent
      fail_uncommitted(*job, false);
      continue;
    }
    const auto t0 = std::chrono::steady_clock::now();
    if (!write_until_committed(*job)) {
      abandoned_ = true;
      continue;
    }
    commit_seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    publish_committed(job->rows);
    for (std::size_t i = 0; i < job->done.size(); ++i) {
      job->done[i]->complete(std::move(job->rows.results[i]));
    }
    if (relay_) relay_->offer(std::move(job->rows.outbox));  // committed: hand over in memory
  }
}

// Writes one batch, waiting out a lost database connection. If the connection broke while
// the batch was in flight, persist_state says afterwards what happened: our number and token
// — it committed (answer its callers); the number before it — it did not (write it again);
// anything else — another writer has been here since, and memory is stale (fail-stop). The
// callers simply wait meanwhile (the engine stalls once batches_in_flight_max is reached). A
// statement that fails on a healthy connection — a constraint, a divergence — means the
// database disagrees with memory: fail-stop, and the restart recovers from what was committed.
bool ledger_core::write_until_committed(batch_job& job) {
  auto backoff = std::chrono::milliseconds{persist_retry_initial_ms};
  std::int64_t attempted = 0;  // number of a batch sent on a connection that then broke
  for (;;) {
    try {
      if (!persister_) {
        auto p = std::make_unique<persister>(config_.postgres_url, writer_token_,
                                             persister::default_copy_rows_min,
                                             config_.writer_statement_timeout_ms);
        p->open();
        persister_ = std::move(p);
        if (attempted != 0) {
          const std::int64_t last = persister_->last_committed();
          if (last == attempted && persister_->last_writer() == writer_token_) return true;
          if (last != attempted - 1) {
            fail_stop("another writer has written to the database",
                      "last batch " + std::to_string(last) + " by " + persister_->last_writer(),
                      job.done.size());
          }
        }
      }
      attempted = persister_->last_committed() + 1;
      persister_->write(job.rows);
      return true;
    } catch (const std::exception& e) {
      // Waited out: a lost connection (also while reconnecting), and the writer lock still
      // held by our previous connection until the server notices it is gone. Anything else
      // on a healthy connection, or while reconnecting, is not an outage.
      const bool lost = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
                        dynamic_cast<const writer_lock_busy*>(&e) != nullptr ||
                        (persister_ && !persister_->connected());
      if (!lost) fail_stop("batch commit failed", e.what(), job.done.size());
      persister_.reset();
      persist_retries_total_.inc();
      log::warn("tradeledger database connection lost; resolving the batch and retrying",
                {{"error", e.what()}, {"retry_ms", std::to_string(backoff.count())}});
    }
    if (stop_deadline_passed()) {
      log::error("tradeledger stopping with a batch the database never confirmed",
                 {{"commands", std::to_string(job.done.size())},
                  {"maybe_applied", attempted != 0 ? "true" : "false"}});
      fail_uncommitted(job, attempted != 0);
      return false;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds{persist_retry_max_ms});
  }
}

bool ledger_core::stop_deadline_passed() const {
  const std::int64_t deadline = stop_deadline_ns_.load();
  return deadline != 0 && std::chrono::steady_clock::now().time_since_epoch().count() >= deadline;
}

void ledger_core::fail_uncommitted(batch_job& job, bool maybe_applied) {
  for (auto& done : job.done) {
    done->complete(maybe_applied
                       ? make_error(error_code::outcome_unknown,
                                    "the ledger stopped before the database confirmed this "
                                    "command; it may or may not have been applied")
                       : make_error(error_code::unavailable,
                                    "the ledger stopped before this command was written"));
  }
}

std::unique_ptr<persister> ledger_core::acquire_writer() {
  const auto deadline = std::chrono::steady_clock::now() + config_.writer_lock_wait_ms;
  bool logged = false;
  for (;;) {
    try {
      return std::make_unique<persister>(config_.postgres_url, writer_token_,
                                         persister::default_copy_rows_min,
                                         config_.writer_statement_timeout_ms);
    } catch (const writer_lock_busy&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
      if (!logged) log::warn("tradeledger waiting for the database's writer lock");
      logged = true;
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
  }
}

void ledger_core::fail_stop(std::string_view what, std::string_view error, std::size_t commands) {
  // The batch's callers must not hear success, and the in-memory state is ahead of the
  // database. Restart rebuilds everything from the last commit.
  log::error(std::string("tradeledger ") + std::string(what) + "; stopping the process",
             {{"error", std::string(error)}, {"commands", std::to_string(commands)}});
  std::_Exit(EXIT_FAILURE);
}

void ledger_core::publish_committed(const batch& b) {
  std::lock_guard lock(view_mutex_);
  if (!b.books.empty()) books_ = b.books;
  for (const market_row& m : b.markets) {
    if (const auto sym = seq_.markets().find_id(m.symbol)) marks_[*sym] = m.reference_price;
  }
}

// ---- callers ----

net::awaitable<command_result> ledger_core::submit(ledger_request req, const call_context& ctx) {
  // A caller that has already given up is not queued: "unavailable" then means "certainly not
  // applied". Once queued, a command is committed and answered within a batch or two (the
  // engine never abandons one), so the in-process ledger needs no outcome_unknown.
  if (ctx.expired()) {
    return [](command_result r) -> net::awaitable<command_result> {
      co_return r;
    }(make_error(error_code::unavailable, "the deadline passed before the ledger was called"));
  }
  return net::async_initiate<const net::use_awaitable_t<>&, void(command_result)>(
      [this](auto handler, ledger_request r) {
        queued_command c{std::move(r), make_completion(std::move(handler))};
        if (!accepting_.load() || !queue_.push(c)) {
          rejected_busy_total_.inc();
          c.done->complete(make_error(error_code::unavailable,
                                      accepting_.load() ? "the ledger is busy, retry shortly"
                                                        : "the ledger is shutting down"));
        }
      },
      net::use_awaitable, std::move(req));
}

template <class F>
net::awaitable<command_result> ledger_core::read(F f, call_context ctx) {
  if (ctx.expired()) {
    co_return make_error(error_code::unavailable, "the deadline passed before the read started");
  }
  if (!reads_ || !running_.load()) {
    co_return make_error(error_code::unavailable, "the ledger is not running");
  }
  try {
    auto job = reads_->run(std::move(f));
    co_return co_await std::move(job);
  } catch (const pg::pool_busy&) {
    co_return make_error(error_code::unavailable, "the database is busy, retry shortly");
  } catch (const std::exception& e) {
    log::error("tradeledger read failed", {{"error", e.what()}});
    co_return make_error(error_code::internal, "read failed");
  }
}

net::awaitable<command_result> ledger_core::place_order(place_order_request req, call_context ctx) {
  return submit(std::move(req), ctx);
}

net::awaitable<command_result> ledger_core::topup(topup_request req, call_context ctx) {
  return submit(std::move(req), ctx);
}

net::awaitable<command_result> ledger_core::replace_order(replace_order_request req,
                                                          call_context ctx) {
  return amend(std::move(req), std::move(ctx));
}

net::awaitable<command_result> ledger_core::cancel_order(cancel_order_request req,
                                                         call_context ctx) {
  return amend(std::move(req), std::move(ctx));
}

// Cancel and replace: the command, then the order as committed — or, when the engine does not
// have it open, whether it is finished (409) or not this user's / unknown (404).
template <class Request>
net::awaitable<command_result> ledger_core::amend(Request req, call_context ctx) {
  const std::string user = req.user_id;
  const std::string order = req.order_id;
  // Named awaitables and lambdas: GCC 12 double-destroys non-trivial temporaries that live
  // inside a co_await expression.
  auto submitted = submit(std::move(req), ctx);
  command_result r = co_await std::move(submitted);
  if (r.error == error_code::none) {
    // Committed: answer with the order as the database now has it (CANCELED, with its fills).
    auto reread = reread_committed(user, order);
    co_return co_await std::move(reread);
  }
  if (r.error != error_code::order_not_found) co_return r;
  // Not open in the engine: finished (409) or not this user's / unknown (404). Read after the
  // cancel's own batch committed, so an order finished by an earlier batch is visible.
  auto lookup = [user, order](pqxx::connection& c) {
    command_result out;
    out.body = read_order_status(c, user, order);
    return out;
  };
  auto looked_up = read(std::move(lookup), call_context{});
  command_result status = co_await std::move(looked_up);
  if (status.error != error_code::none) co_return status;
  if (status.body.empty()) co_return r;
  co_return make_error(error_code::order_not_cancelable, "order is " + status.body);
}

// The caller of a committed change is owed its 200: a busy pool is waited out (a 503 here
// would make the client retry a cancel that already happened and get 409), and the read runs
// even while the core is stopping. Bounded all the same, so a dead database cannot hold the
// caller forever.
net::awaitable<command_result> ledger_core::reread_committed(std::string user_id,
                                                             std::string order_id) {
  const market_table* markets = &seq_.markets();
  const auto give_up = std::chrono::steady_clock::now() + committed_reread_budget;
  auto wait = std::chrono::milliseconds{10};
  net::steady_timer timer(co_await net::this_coro::executor);
  for (;;) {
    std::string failure;
    try {
      auto job = reads_->run([markets, user_id, order_id](pqxx::connection& c) {
        return read_order(c, *markets, user_id, order_id);
      });
      co_return co_await std::move(job);
    } catch (const std::exception& e) {
      failure = e.what();  // pool busy, connection lost: transient, or the budget runs out
    }
    if (std::chrono::steady_clock::now() + wait >= give_up) {
      log::error("tradeledger could not read back a committed change",
                 {{"order_id", order_id}, {"error", failure}});
      co_return make_error(error_code::internal,
                           "the change was committed but the order could not be read back");
    }
    timer.expires_after(wait);
    co_await timer.async_wait(net::use_awaitable);
    wait = std::min(wait * 2, std::chrono::milliseconds{500});
  }
}

net::awaitable<command_result> ledger_core::get_order(std::string user_id, std::string order_id,
                                                      call_context ctx) {
  const market_table* markets = &seq_.markets();
  return read([markets, user_id = std::move(user_id), order_id = std::move(order_id)](
                  pqxx::connection& c) { return read_order(c, *markets, user_id, order_id); },
              std::move(ctx));
}

net::awaitable<command_result> ledger_core::list_orders(list_orders_query query, call_context ctx) {
  const market_table* markets = &seq_.markets();
  return read(
      [markets, q = std::move(query)](pqxx::connection& c) { return read_orders(c, *markets, q); },
      std::move(ctx));
}

net::awaitable<command_result> ledger_core::portfolio(std::string user_id, call_context ctx) {
  std::vector<std::int64_t> marks;
  {
    std::lock_guard lock(view_mutex_);
    marks = marks_;
  }
  const market_table* markets = &seq_.markets();
  return read([markets, user_id = std::move(user_id), marks = std::move(marks)](
                  pqxx::connection& c) { return read_portfolio(c, *markets, user_id, marks); },
              std::move(ctx));
}

net::awaitable<command_result> ledger_core::order_book(std::string symbol, int depth,
                                                       call_context) {
  const market_table& markets = seq_.markets();
  const auto sym = markets.find_id(symbol);
  if (!sym) co_return make_error(error_code::invalid_symbol, "unknown symbol: " + symbol);
  std::shared_ptr<const book_snapshot> snap;
  {
    std::lock_guard lock(view_mutex_);
    if (*sym < books_.size()) snap = books_[*sym];
  }
  const std::size_t levels =
      depth <= 0 ? book_depth_default
                 : std::min<std::size_t>(static_cast<std::size_t>(depth), book_levels_max);
  const symbol_info& s = markets.at(*sym);
  command_result r;
  json_out j(r.body);
  j.begin_object().field("symbol", s.name);
  for (const char* side : {"bids", "asks"}) {
    j.key(side).begin_array();
    if (snap) {
      const auto& v = side[0] == 'b' ? snap->bids : snap->asks;
      for (std::size_t i = 0; i < v.size() && i < levels; ++i) {
        j.begin_array();
        j.str(money::format_decimal(v[i].first, s.quote_scale));
        j.str(money::format_decimal(v[i].second, s.base_scale));
        j.end_array();
      }
    }
    j.end_array();
  }
  j.end_object();
  co_return r;
}

}  // namespace mc::tradeledger
