// Where the idempotent outcomes live in the database, read in one place: an accepted order's on
// its order row, a top-up's on its credit transfer, a refusal's in tradeledger.idempotency.
// Recovery reads them all; the idempotency store's lookup reads one key older than its window.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "tradeledger/core/idempotency_store.h"

namespace mc::tradeledger {

// Calls `f(user, key, outcome)` for every stored outcome (recovery, in its snapshot), reading
// them through a cursor. The order is the query's (orders, then top-ups, then refusals), not
// recency: after a restart the memory window holds the last ones read, and a key outside it
// costs one indexed lookup.
void for_each_idempotent_outcome(
    pqxx::transaction_base& tx,
    const std::function<void(std::uint64_t, std::string, idempotent_outcome)>& f);

// The outcome stored for (user, key); nullopt when the key was never used. Throws on a
// database error.
std::optional<idempotent_outcome> read_idempotent_outcome(pqxx::connection& conn,
                                                          std::uint64_t user,
                                                          const std::string& key);

}  // namespace mc::tradeledger
