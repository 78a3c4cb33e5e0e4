// Start-up recovery: rebuilds the engine and the sequencer from committed PostgreSQL state
// (balances, open orders in time priority, counters, idempotency records, positions, reference
// prices), then requires the engine audit to pass. Throws, refusing to start, on any mismatch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tradeledger/core/sequencer.h"

namespace mc::tradeledger {

struct recovery_summary {
  std::size_t users = 0;
  std::size_t accounts = 0;
  std::size_t open_orders = 0;
  std::size_t idempotency_records = 0;
  std::vector<std::int64_t> reference_prices;  // per symbol, 0 = none yet
};

recovery_summary recover(const std::string& postgres_url, sequencer& seq);

}  // namespace mc::tradeledger
