// The batch as ONE statement: every table's rows travel as one array parameter per column
// (text array literals built by pg_array) and a data-modifying CTE per table unnest()s them
// back into rows. One statement is one implicit transaction and one round trip, so a small
// batch pays no per-table round trips; see persister.h for when it is used.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

// The statement's text; parameters in the order batch_statement_params produces them.
std::string batch_statement_sql();

// One array literal per column, then the batch number, the writer's token and the count of
// earlier orders that must exist (a mismatch aborts the statement by dividing by zero: nothing
// commits). Without `with_insert_only` the insert-only tables other than users get empty arrays:
// their rows go by COPY after this statement. Users stay here because accounts — upserted here —
// reference them, and transfers — copied after — reference accounts.
std::vector<std::string> batch_statement_params(const batch& b, std::int64_t number,
                                                const std::string& writer, bool with_insert_only);

}  // namespace mc::tradeledger
