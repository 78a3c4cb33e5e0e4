// Writes one batch's rows to PostgreSQL in ONE transaction: a fixed handful of prepared,
// multi-row statements (arrays + unnest), never a statement per row. Owns its connection and
// is used by the persister thread only.
#pragma once

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

class persister {
 public:
  // Connects and prepares the statements; throws on failure (start-up).
  explicit persister(const std::string& postgres_url);

  // Commits every row of `b` atomically; throws on any failure, after which nothing of the
  // batch is in the database (the caller fail-stops).
  void write(const batch& b);

 private:
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace mc::tradeledger
