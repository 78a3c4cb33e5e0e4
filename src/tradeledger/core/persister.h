// Writes one batch's rows to PostgreSQL as ONE statement: every table's rows travel as array
// parameters, unnest()ed by data-modifying CTEs of a single prepared statement. One statement
// is one implicit transaction and one round trip — the batch commits with it or not at all.
// Each batch also stamps its number in tradeledger.persist_state, so a batch whose connection
// broke mid-flight is resolved exactly by reading that number back after reconnecting.
// Owns its connection and is used by the persister thread only.
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
  explicit persister(const std::string& postgres_url);
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
  std::int64_t last_batch_ = 0;
  std::unique_ptr<persist_timing> timing_;  // MC_TL_PERSIST_TIMING=1: build / execute timing
};

}  // namespace mc::tradeledger
