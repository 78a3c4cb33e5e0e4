// Writes one batch's rows to PostgreSQL in ONE transaction: a fixed handful of multi-row
// operations (COPY for insert-only rows, prepared array + unnest statements for the rest),
// never a statement per row. Owns its connection and
// is used by the persister thread only.
#pragma once

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

struct persist_timing;

class persister {
 public:
  // Connects and prepares the statements; throws on failure (start-up).
  explicit persister(const std::string& postgres_url);
  ~persister();

  // Commits every row of `b` atomically; throws on any failure, after which nothing of the
  // batch is in the database (the caller fail-stops).
  void write(const batch& b);

  // False once the connection is lost (server gone, shut down or unreachable).
  bool connected() const { return conn_ && conn_->is_open(); }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<persist_timing> timing_;  // MC_TL_PERSIST_TIMING=1: per-statement timing
};

}  // namespace mc::tradeledger
