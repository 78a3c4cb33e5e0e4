// The canonical form of a money command, hashed for idempotency: the ONE place it is defined.
// A stored answer is replayed only for a request with the same hash; any other request under
// the same key is IDEM_MISMATCH. Built from typed values, so whitespace, field order and
// "0.010" vs "0.01" on the wire do not change it. The user is not part of it: keys are
// already scoped per user.
#pragma once

#include <string>
#include <string_view>

#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

// Hex SHA-256.
std::string request_hash(const place_order_request& r);
std::string request_hash(const topup_request& r);

// Hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

}  // namespace mc::tradeledger
