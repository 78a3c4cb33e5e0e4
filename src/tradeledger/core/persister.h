// Writes one batch's rows to PostgreSQL atomically: a small batch as ONE prepared statement
// (one round trip, its own commit; batch_statement.h), a large one as COPY for the insert-only
// rows plus that statement for the rest, in one transaction (batch_copy.h). Each batch also
// stamps its number in tradeledger.persist_state, so a batch whose connection broke mid-flight
// is resolved exactly by reading that number back after reconnecting. Holds the database's
// writer lock; owns its connection and is used by the persister thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

struct persist_timing;

class persister {
 public:
  // Connects, prepares the statement and reads the last committed batch number; throws on
  // failure.
  static constexpr std::size_t default_copy_rows_min = 850;

  // `copy_rows_min`: batches of at least this many rows go by COPY (tests force either path).
  explicit persister(const std::string& postgres_url,
                     std::size_t copy_rows_min = default_copy_rows_min);
  ~persister();

  // Commits every row of `b` atomically as batch number last_committed() + 1 (batches without
  // rows are skipped and take no number). Throws on any failure; whether a failed batch
  // committed is then known only to a new persister's last_committed().
  void write(const batch& b);

  // The number of the last batch committed, as the database says (or as written since).
  std::int64_t last_committed() const { return last_batch_; }

  // False once the connection is lost (server gone, shut down or unreachable).
  bool connected() const { return conn_ && conn_->is_open(); }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::size_t copy_rows_min_;
  std::int64_t last_batch_ = 0;
  std::unique_ptr<persist_timing> timing_;  // MC_TL_PERSIST_TIMING=1: time per write path
};

}  // namespace mc::tradeledger
