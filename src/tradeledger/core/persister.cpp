// Two ways to write a batch, chosen by its size (measured on this 2-vCPU machine, where each
// round trip is a pair of context switches and costs ~0.4–0.9 ms under load):
//   - small batches: ONE statement (batch_statement.h), one round trip, its own commit —
//     ~1.5 ms + ~135 µs per command;
//   - large batches: the same statement for users and every row that may exist already, then
//     COPY for the other insert-only rows (batch_copy.h), in one transaction — ~17 round trips, but
//     ~85 µs per command.
// The crossover is near 70 commands (~850 rows); default_copy_rows_min sits there.
#include "tradeledger/core/persister.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "tradeledger/core/batch_copy.h"
#include "tradeledger/core/batch_statement.h"

namespace mc::tradeledger {

// Build / execute timing per write path (MC_TL_PERSIST_TIMING=1); averages are printed when
// the persister is destroyed.
struct persist_timing {
  struct path {
    double ms = 0;
    long long batches = 0, commands = 0, rows = 0;
  };
  path statement, copy;
};

namespace {

constexpr const char* statement_name = "tl_batch";
// Session advisory lock held by the writing connection: a second TradeLedger pointed at the
// same database cannot write (its persister fails to start), so there is one writer.
constexpr std::int64_t writer_lock_key = 0x74726164656c6467;  // "tradeldg"

// The rows the batch writes (the outbox one per command, not per event).
std::size_t row_count(const batch& b) {
  std::size_t outbox_rows = 0;
  for (std::size_t i = 0; i < b.outbox.size(); ++i) {
    outbox_rows += i == 0 || b.outbox[i].command != b.outbox[i - 1].command ? 1 : 0;
  }
  return b.users.size() + b.accounts.size() + b.transfers.size() + b.orders.size() +
         b.trades.size() + b.positions.size() + outbox_rows + b.idempotency.size() +
         b.markets.size();
}

void print_path(const char* name, const persist_timing::path& p) {
  if (p.batches == 0) return;
  const auto n = static_cast<double>(p.batches);
  std::fprintf(
      stderr, "persister %s: %lld batches of %.1f commands, %.1f rows; %.3f ms per batch\n", name,
      p.batches, static_cast<double>(p.commands) / n, static_cast<double>(p.rows) / n, p.ms / n);
}

}  // namespace

persister::persister(const std::string& postgres_url, std::string writer, std::size_t copy_rows_min,
                     std::chrono::milliseconds statement_timeout)
    : conn_(std::make_unique<pqxx::connection>(postgres_url)),
      writer_(std::move(writer)),
      copy_rows_min_(copy_rows_min) {
  // A broken connection must stay broken: libpqxx 6 would otherwise reconnect on the next
  // use, a new session without the writer lock and the settings below. (Deprecated only
  // because libpqxx 7 drops reactivation altogether.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  pqxx::nontransaction tx(*conn_);
  if (!tx.exec1("SELECT pg_try_advisory_lock(" + std::to_string(writer_lock_key) + ")")[0]
           .as<bool>()) {
    throw writer_lock_busy(
        "tradeledger: another session holds this database's writer lock (a second "
        "TradeLedger, or this one's previous connection not yet gone)");
  }
  // Every row this connection touches is found by key. The foreign-key checks' plans are
  // cached for the session from the first batch, when accounts was tiny and a sequential
  // scan looked cheapest — measured, those scans were a third of the writer's time as the
  // table grew — and the UPDATE of earlier orders would hash-join the whole table.
  // That setting prices the one-row state table's scan at 1e10, which would make every batch
  // "expensive" enough to JIT-compile (~300 ms): no JIT for a statement that runs for ms.
  // And one generic plan for the batch statement: its shape never changes, but with known
  // array sizes the planner kept preferring a fresh custom plan — planning on every batch.
  tx.exec("SET enable_seqscan = off");
  tx.exec("SET jit = off");
  tx.exec("SET plan_cache_mode = force_generic_plan");
  if (statement_timeout.count() > 0) {
    tx.exec("SET statement_timeout = " + std::to_string(statement_timeout.count()));
  }
  if (const char* e = std::getenv("MC_TL_PERSIST_TIMING"); e != nullptr && *e == '1') {
    timing_ = std::make_unique<persist_timing>();
  }
}

void persister::open() {
  {
    pqxx::nontransaction tx(*conn_);
    const auto r = tx.exec1("SELECT last_batch, writer FROM tradeledger.persist_state");
    last_batch_ = r[0].as<std::int64_t>();
    last_writer_ = r[1].as<std::string>();
  }
  conn_->prepare(statement_name, batch_statement_sql());
}

persister::~persister() {
  if (timing_ != nullptr) {
    print_path("one statement", timing_->statement);
    print_path("COPY + statement", timing_->copy);
  }
}

void persister::write(const batch& b) {
  if (!b.has_rows()) return;
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t number = last_batch_ + 1;
  const std::size_t rows = row_count(b);
  const bool by_copy = rows >= copy_rows_min_;
  if (by_copy) {
    pqxx::work tx(*conn_);
    tx.exec_prepared(statement_name, pqxx::prepare::make_dynamic_params(
                                         batch_statement_params(b, number, writer_, false)));
    copy_insert_only_rows(tx, b);  // after: the statement created the accounts they reference
    tx.commit();
  } else {
    pqxx::nontransaction tx(*conn_);  // the statement is its own transaction
    tx.exec_prepared(statement_name, pqxx::prepare::make_dynamic_params(
                                         batch_statement_params(b, number, writer_, true)));
  }
  last_batch_ = number;
  last_writer_ = writer_;
  if (timing_ != nullptr) {
    persist_timing::path& p = by_copy ? timing_->copy : timing_->statement;
    p.ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    p.commands += static_cast<long long>(b.results.size());
    p.rows += static_cast<long long>(rows);
    ++p.batches;
  }
}

}  // namespace mc::tradeledger
