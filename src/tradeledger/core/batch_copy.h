// The insert-only rows of a batch — transfers, orders created by the batch, trades, outbox
// (one row per command), refusals — by COPY ... FROM STDIN (pqxx::stream_to), one COPY per table,
// inside the caller's transaction. Run AFTER the batch statement (batch_statement.h) in the
// same transaction: that statement creates the users and accounts these rows reference (a
// COPY checks its foreign keys when it ends).
#pragma once

#include <pqxx/pqxx>

#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

void copy_insert_only_rows(pqxx::work& tx, const batch& b);

}  // namespace mc::tradeledger
