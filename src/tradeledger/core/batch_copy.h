// The insert-only rows of a batch — users, journal entries, postings, orders created by the
// batch, fills, outbox, idempotency — by COPY ... FROM STDIN (pqxx::stream_to), one COPY per
// table, inside the caller's transaction. The rows that may already exist are left to the
// batch statement (batch_statement.h), run in the same transaction.
#pragma once

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

void copy_insert_only_rows(pqxx::work& tx, const batch& b);

}  // namespace mc::tradeledger
