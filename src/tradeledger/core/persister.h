// Writes one batch's rows to PostgreSQL atomically: a small batch as ONE prepared statement
// (one round trip, its own commit; batch_statement.h), a large one as COPY for the insert-only
// rows plus that statement for the rest, in one transaction (batch_copy.h). Each batch also
// stamps its number in tradeledger.persist_state, so a batch whose connection broke mid-flight
// is resolved exactly by reading that number back after reconnecting. Holds the database's
// writer lock; owns its connection and is used by the persister thread only.
#pragma once

#include <chrono>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

struct persist_timing;

// Another session holds the database's writer lock: another TradeLedger, or this process's own
// previous connection that the server has not yet noticed is gone.
class writer_lock_busy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class persister {
 public:
  static constexpr std::size_t default_copy_rows_min = 850;

  // Connects and takes the database's writer lock (throws writer_lock_busy when another session
  // holds it), before anything else touches the schema. `writer` identifies this process in
  // persist_state. `copy_rows_min`: batches of at least this many rows go by COPY (tests force
  // either path). `statement_timeout`: the session's statement_timeout (0: the server's).
  persister(const std::string& postgres_url, std::string writer,
            std::size_t copy_rows_min = default_copy_rows_min,
            std::chrono::milliseconds statement_timeout = std::chrono::milliseconds{0});
  ~persister();

  // After migrations: reads the last committed batch and its writer, prepares the statement.
  void open();

  // Commits every row of `b` atomically as batch number last_committed() + 1 (batches without
  // rows are skipped and take no number). Throws on any failure; whether a failed batch
  // committed is then known only to a new persister's last_committed() and last_writer().
  void write(const batch& b);

  // The last batch committed and the token of its writer, as the database said at open() (or
  // as written since).
  std::int64_t last_committed() const { return last_batch_; }
  const std::string& last_writer() const { return last_writer_; }

  // False once the connection is lost (server gone, shut down or unreachable).
  bool connected() const { return conn_ && conn_->is_open(); }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::string writer_;
  std::size_t copy_rows_min_;
  std::int64_t last_batch_ = 0;
  std::string last_writer_;
  std::unique_ptr<persist_timing> timing_;  // MC_TL_PERSIST_TIMING=1: time per write path
};

}  // namespace mc::tradeledger
