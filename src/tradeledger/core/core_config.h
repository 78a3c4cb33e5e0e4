// Configuration of the ledger core and its named limits. The HTTP layer fills it from the
// environment; tests build it directly.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/market_spec.h"
#include "tradeledger/api/limits.h"

namespace mc::tradeledger {

// Commands one engine-thread batch takes at most; also the unit of one commit.
inline constexpr std::size_t default_batch_max = 1000;
// Commands waiting for the engine thread; a full queue answers `unavailable` (503).
inline constexpr std::size_t default_queue_max = 50'000;
// Batches applied by the engine but not yet committed (pipelining depth). The engine thread
// waits when this many are in flight, which in turn lets the command queue fill up.
inline constexpr std::size_t batches_in_flight_max = 2;
// Idempotent answers kept in memory (the newest; older keys are answered by the database). At
// a few hundred bytes each, 100,000 answers take tens of megabytes; a fingerprint of 8 bytes
// (plus the hash set's overhead) stays for every key.
inline constexpr std::size_t default_idempotency_window = 100'000;
// First engine user id given to a gateway user; 1 (house) and 2 (fee) and the rest below are
// reserved for system accounts.
inline constexpr std::uint64_t first_user_id = 1000;

struct core_config {
  std::string postgres_url;
  std::string redis_url;         // "" = no quotes feed and no outbox relay (tests, tools)
  std::string migrations_dir;    // "" = do not migrate (the schema must already exist)
  bool house_liquidity = true;   // false: quote ticks only move the reference price
  bool subscribe_quotes = true;  // subscribe to quotes:<SYMBOL> on redis_url
  bool run_outbox_relay = true;  // publish the outbox to redis_url
  std::size_t batch_max = default_batch_max;
  std::size_t queue_max = default_queue_max;
  // 0 = every idempotent answer stays in memory. Otherwise at least what batches in flight
  // can hold, (batches_in_flight_max + 1) x batch_max: those are not in the database yet.
  std::size_t idempotency_window = default_idempotency_window;
  std::size_t read_connections = 4;                // pg pool for reads
  std::size_t read_queue_max = 1024;               // pg pool jobs waiting
  std::size_t outbox_batch_max = 2000;             // rows per relay round (one PUBLISH pipeline)
  std::chrono::milliseconds outbox_poll_ms{1000};  // fallback poll when nobody wakes it
  std::chrono::milliseconds outbox_backoff_max_ms{2000};  // retry delay cap while Redis is down
  std::int64_t outbox_stream_maxlen = 100'000;  // entries kept per event stream (approximate)
  std::chrono::milliseconds stop_flush_timeout_ms{5000};  // stop(): wait this long for the relay
  // start(): wait this long for the database's writer lock (a previous instance finishing).
  std::chrono::milliseconds writer_lock_wait_ms{30000};
  // stop(): how long batches still uncommitted may wait for an unreachable database before
  // their callers are answered "outcome unknown" / "unavailable" instead (recovery at the next
  // start reads what was committed).
  std::chrono::milliseconds stop_timeout_ms{10000};
  // Server-side statement_timeout: reads (a stuck query answers 503 rather than holding a
  // pool connection), and the writer (a batch statement that hangs fails-stop, to restart).
  std::chrono::milliseconds read_statement_timeout_ms{5000};
  std::chrono::milliseconds writer_statement_timeout_ms{30000};
  engine::engine_config engine = engine::default_config();
};

}  // namespace mc::tradeledger
